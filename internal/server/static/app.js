// carbonbudget dashboard: plain JavaScript and SVG, no external assets, so
// it works offline. Everything it shows comes from /api/v1.
"use strict";

const NS = "http://www.w3.org/2000/svg";
const COLORS = { e_fos: "#6b6b6b", e_luc: "#b5651d", g_atm: "#4a90d9", s_ocean: "#1f4e9c", s_land: "#2e8b57", s_cement: "#999966" };
const LABELS = { e_fos: "fossil", e_luc: "land-use change", g_atm: "atmosphere", s_ocean: "ocean", s_land: "land", s_cement: "cement carbonation" };

async function getJSON(url) {
  const r = await fetch(withRelease(url));
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function frame(container, w, h) {
  container.innerHTML = "";
  return el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" }, container);
}

function axisY(svg, y, lo, hi, x0, x1) {
  const step = niceStep((hi - lo) / 5);
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    el("line", { x1: x0, x2: x1, y1: y(v), y2: y(v), stroke: v === 0 ? "#333" : "#dde", "stroke-width": v === 0 ? 1.2 : 0.6 }, svg);
    el("text", { x: x0 - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, svg).textContent = +v.toFixed(2);
  }
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

function legend(svg, items, x, y) {
  items.forEach(([label, color], i) => {
    el("rect", { x: x + i * 165, y: y, width: 12, height: 12, fill: color }, svg);
    el("text", { x: x + i * 165 + 16, y: y + 11, "font-size": 12 }, svg).textContent = label;
  });
}

// projection is the year in progress as projected (GET /api/v1/projection)
// in the shape of an annual row, or null when there is none.
async function projection() {
  const r = await fetch(withRelease("/api/v1/projection"));
  if (!r.ok) return null;
  const p = await r.json();
  const row = { period: p.year + "*", window: "calendar-year", projected: true, as_of: p.as_of, made_at: p.made_at };
  for (const k of ["e_fos", "e_luc", "g_atm", "s_ocean", "s_land", "s_cement", "b_im"]) {
    const t = p.terms[k];
    row[k + "_gtc"] = t ? t.gtc : 0;
    row[k + "_sigma_gtc"] = t ? t.sigma_gtc : 0;
  }
  return row;
}

function drawAnnual(rows, projected) {
  rows = rows.filter(r => r.window === "calendar-year");
  if (projected && !rows.some(r => r.period === projected.period.slice(0, -1))) rows = rows.concat([projected]);
  const box = document.getElementById("annual");
  if (!rows.length) { box.textContent = "No complete year yet."; return; }
  const W = 1000, H = 380, L = 50, R = 10, T = 30, B = 40;
  const svg = frame(box, W, H);
  const src = ["e_fos", "e_luc"], snk = ["g_atm", "s_ocean", "s_land", "s_cement"];
  let hi = 0, lo = 0;
  rows.forEach(r => {
    hi = Math.max(hi, src.reduce((s, k) => s + Math.max(0, r[k + "_gtc"]), 0));
    lo = Math.min(lo, -snk.reduce((s, k) => s + Math.max(0, r[k + "_gtc"]), 0));
  });
  const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  axisY(svg, y, lo, hi, L, W - R);
  const bw = (W - L - R) / rows.length;
  rows.forEach((r, i) => {
    const x = L + i * bw + bw * 0.15;
    let up = 0, down = 0;
    src.forEach(k => { const v = Math.max(0, r[k + "_gtc"]); el("rect", { x, y: y(up + v), width: bw * 0.7, height: y(up) - y(up + v), fill: COLORS[k] }, svg); up += v; });
    snk.forEach(k => { const v = Math.max(0, r[k + "_gtc"]); el("rect", { x, y: y(down), width: bw * 0.7, height: y(down - v) - y(down), fill: COLORS[k], opacity: r.provisional ? 0.55 : 1 }, svg); down -= v; });
    el("circle", { cx: x + bw * 0.35, cy: y(r.b_im_gtc), r: 3, fill: "#c00" }, svg);
    if (r.projected) {
      // The year in progress: outlined, with B_IM's projected 1σ and the
      // date the projection was made.
      el("rect", { x, y: y(up), width: bw * 0.7, height: y(down) - y(up), fill: "white", opacity: 0.45, stroke: "#333", "stroke-dasharray": "4 3", class: "projected" }, svg);
      const s = r.b_im_sigma_gtc || 0;
      el("line", { x1: x + bw * 0.35, x2: x + bw * 0.35, y1: y(r.b_im_gtc + s), y2: y(r.b_im_gtc - s), stroke: "#c00" }, svg);
      el("title", {}, svg.lastChild).textContent = `${r.period.slice(0, -1)} projected as of ${r.as_of}, made ${r.made_at}`;
      document.getElementById("annualnote").textContent = `* ${r.period.slice(0, -1)} is projected from the months published to ${r.as_of} (made ${r.made_at}); the red line is the projected imbalance ±1σ.`;
    }
    if (rows.length < 30 || i % 5 === 0) el("text", { x: x + bw * 0.35, y: H - B + 14, "text-anchor": "middle", "font-size": 11 }, svg).textContent = r.period;
  });
  legend(svg, [...src, ...snk].map(k => [LABELS[k], COLORS[k]]), L, 6);
}

function drawSeries(box, points, opts) {
  const W = 1000, H = 300, L = 50, R = 10, T = 30, B = 40;
  const svg = frame(box, W, H);
  if (!points.length) { box.textContent = "No data."; return; }
  let lo = 0, hi = 0;
  points.forEach(p => opts.keys.forEach(k => {
    if (p[k] == null) return;
    const s = (opts.bands || []).includes(k) && p[k + "_sigma"] != null ? p[k + "_sigma"] : 0;
    lo = Math.min(lo, p[k] - s); hi = Math.max(hi, p[k] + s);
  }));
  if (hi === lo) hi = lo + 1;
  const x = i => L + (i + 0.5) * (W - L - R) / points.length;
  const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  axisY(svg, y, lo, hi, L, W - R);
  // 1σ bands first, under the lines: value ± the point's <key>_sigma.
  (opts.bands || []).forEach((k, ki) => {
    const ci = opts.keys.indexOf(k);
    let run = [];
    const flush = () => {
      if (run.length > 1) {
        const up = run.map(i => `${x(i).toFixed(1)},${y(points[i][k] + points[i][k + "_sigma"]).toFixed(1)}`);
        const dn = run.slice().reverse().map(i => `${x(i).toFixed(1)},${y(points[i][k] - points[i][k + "_sigma"]).toFixed(1)}`);
        el("polygon", { points: up.concat(dn).join(" "), fill: opts.colors[ci], opacity: 0.18, class: "band" }, svg);
      }
      run = [];
    };
    points.forEach((p, i) => { if (p[k] != null && p[k + "_sigma"] != null) run.push(i); else flush(); });
    flush();
  });
  opts.keys.forEach((k, ki) => {
    const d = points.map((p, i) => p[k] == null ? "" : `${i && points[i - 1][k] != null ? "L" : "M"}${x(i).toFixed(1)},${y(p[k]).toFixed(1)}`).join("");
    el("path", { d, fill: "none", stroke: opts.colors[ki], "stroke-width": 1.6 }, svg);
    points.forEach((p, i) => { if (p.provisional && p[k] != null) el("circle", { cx: x(i), cy: y(p[k]), r: 3.5, fill: "white", stroke: opts.colors[ki], class: "provisional" }, svg); });
  });
  const every = Math.max(1, Math.ceil(points.length / 12));
  points.forEach((p, i) => { if (i % every === 0) el("text", { x: x(i), y: H - B + 14, "text-anchor": "middle", "font-size": 11 }, svg).textContent = p.label; });
  legend(svg, opts.keys.map((k, i) => [opts.labels[i], opts.colors[i]]), L, 6);
}

async function showRegion() {
  const id = document.getElementById("region").value;
  const comp = document.getElementById("component").value;
  const base = `/api/v1/regions/${encodeURIComponent(id)}?component=${comp}`;
  document.getElementById("dl-csv").href = base + "&format=csv";
  document.getElementById("dl-parquet").href = base + "&format=parquet";
  const rows = await getJSON(base);
  drawSeries(document.getElementById("regionchart"), rows.map(r => ({ label: r.month, value: r.value_gtc, anomaly: r.anomaly_gtc, provisional: r.provisional })),
    { keys: ["value", "anomaly"], labels: ["value (GtC/month)", "anomaly vs baseline"], colors: ["#2e6da4", "#d9534f"] });
  await showTopDown(id);
}

// showTopDown draws a region's bottom-up and top-down series with their
// 1σ bands (land where the region has land, else ocean) and lists the
// months where they disagree.
async function showTopDown(id) {
  const box = document.getElementById("topdownchart"), list = document.getElementById("disagreements");
  list.innerHTML = "";
  const base = `/api/v1/regions/${encodeURIComponent(id)}`;
  let [bu, td] = await Promise.all([getJSON(base + "?component=land_sink"), getJSON(base + "?component=land_topdown")]);
  let domain = "land";
  if (!bu.length) {
    [bu, td] = await Promise.all([getJSON(base + "?component=ocean_sink"), getJSON(base + "?component=ocean_topdown")]);
    domain = "ocean";
  }
  if (!td.length) { box.textContent = "No atmospheric inversion product covers this region yet."; return; }
  const byMonth = new Map(td.map(r => [r.month, r]));
  const points = bu.map(r => {
    const t = byMonth.get(r.month);
    return { label: r.month, bu: r.value_gtc, bu_sigma: r.sigma_gtc, td: t ? t.value_gtc : null, td_sigma: t ? t.sigma_gtc : null, provisional: r.provisional };
  });
  drawSeries(box, points, { keys: ["bu", "td"], bands: ["bu", "td"], colors: ["#2e8b57", "#8e44ad"],
    labels: [domain === "land" ? "bottom-up land sink (GtC/month)" : "S_OCEAN (GtC/month)", "top-down, inversions (GtC/month)"] });
  const dis = await getJSON(`/api/v1/agreement?region=${encodeURIComponent(id)}&product=ensemble&disagree=true`);
  dis.slice(-6).forEach(a => { const li = document.createElement("li"); li.textContent = a.text; list.appendChild(li); });
}

async function main() {
  const health = await getJSON("/healthz");
  document.getElementById("updated").textContent = `Latest month ${health.latest}; last updated ${health.updated}; ${health.months} months published.`;
  drawAnnual(await getJSON("/api/v1/budget?freq=annual"), await projection());
  const monthly = await getJSON("/api/v1/budget?freq=monthly");
  drawSeries(document.getElementById("monthly"), monthly.map(r => ({ label: r.period, fos: r.e_fos_gtc, land: r.s_land_gtc, ocean: r.s_ocean_gtc, atm: r.g_atm_gtc, provisional: r.provisional })),
    { keys: ["fos", "atm", "ocean", "land"], labels: ["fossil", "atmospheric growth", "ocean sink", "land sink"], colors: [COLORS.e_fos, COLORS.g_atm, COLORS.s_ocean, COLORS.s_land] });
  if (health.latest && health.latest !== "0000-01") {
    document.getElementById("map").src = withRelease(`/api/v1/map/${health.latest}?var=net_flux`);
    document.getElementById("mapnote").textContent = `${health.latest}: anomaly against the baseline where the baseline months are published, else the flux itself; red = more carbon to the air.`;
  }
  const regions = await getJSON("/api/v1/regions");
  const sel = document.getElementById("region");
  regions.forEach(r => { const o = document.createElement("option"); o.value = r.id; o.textContent = `${r.name} (${r.kind})`; sel.appendChild(o); });
  sel.addEventListener("change", showRegion);
  document.getElementById("component").addEventListener("change", showRegion);
  if (regions.length) await showRegion();
  await showFindings();
  document.body.dataset.ready = "1";
}

main().catch(e => { document.getElementById("updated").textContent = "Error: " + e.message; document.body.dataset.ready = "error"; });
