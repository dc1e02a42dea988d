// carbonbudget dashboard: plain JavaScript and SVG, no external assets, so
// it works offline. Everything it shows comes from /api/v1.
//
// Layout of this file: small helpers (api, el, the chart helpers axes,
// bands and legend), then one function per panel (annualPanel,
// monthlyPanel, mapPanel, comparePanel, regionPanel, reportsPanel). A new
// panel is one more function that reads `state` and draws into its own
// section; add it to PANELS (drawn at start) or call it from a control's
// change handler. Every chart keeps its legend outside the plotted area
// (an HTML list above the SVG) and labels its axis with units.
"use strict";

const NS = "http://www.w3.org/2000/svg";
// Okabe & Ito's palette, readable with any common colour-vision
// deficiency; the report's figures use the same (internal/report).
const COLORS = { e_fos: "#333333", e_luc: "#e69f00", g_atm: "#56b4e9", s_ocean: "#0072b2", s_land: "#009e73", s_cement: "#cc79a7", b_im: "#d55e00" };
const LABELS = { e_fos: "E_FOS fossil", e_luc: "E_LUC land-use change", g_atm: "G_ATM atmosphere", s_ocean: "S_OCEAN ocean", s_land: "S_LAND land", s_cement: "S_CEMENT cement carbonation", b_im: "B_IM imbalance" };
const SERIES_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];
// ColorBrewer RdBu (11 classes), blue end first, as internal/mapimg.
const RDBU = ["#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"];

// state is what the controls chose; panels read it.
const state = { from: "", to: "", months: [], regions: [], countries: new Map(), monthly: [] };

// api fetches an API path from the release on screen (release.js).
async function api(path) {
  const r = await fetch(withRelease(path));
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function html(name, attrs, parent, text) {
  const e = document.createElement(name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function fmt(v, digits) { return v == null || Number.isNaN(v) ? "n/a" : (+v).toPrecision(digits || 3); }

function inRange(month) { return (!state.from || month >= state.from) && (!state.to || month <= state.to); }

// ---- chart helpers ----

// chartFrame clears box, writes the legend (an HTML list, outside the
// plot) and returns an SVG with its plotting rectangle and a text
// alternative.
function chartFrame(box, legendItems, alt, W, H) {
  box.innerHTML = "";
  if (legendItems && legendItems.length) {
    const ul = html("ul", { class: "legend" }, box);
    legendItems.forEach(it => {
      const li = html("li", {}, ul);
      html("span", { class: "swatch" + (it.hatched ? " hatched" : "") + (it.line ? " line" : ""), "data-color": it.color }, li).style.background = it.hatched ? "" : it.color;
      li.appendChild(document.createTextNode(it.label));
    });
  }
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": alt }, box);
  el("title", {}, svg).textContent = alt;
  const defs = el("defs", {}, svg);
  const pat = el("pattern", { id: "hatch-" + box.id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
  el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "white", "stroke-width": 2.5 }, pat);
  return svg;
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

// axes draws the y grid with tick labels, the zero line and the y axis
// label (with units), and x labels from xLabels(i) at every k-th slot.
function axes(svg, g, yLabel) {
  const step = niceStep((g.hi - g.lo) / 5);
  for (let v = Math.ceil(g.lo / step) * step; v <= g.hi + 1e-12; v += step) {
    const zero = Math.abs(v) < step / 1e6;
    el("line", { x1: g.L, x2: g.W - g.R, y1: g.y(v), y2: g.y(v), stroke: zero ? "#222" : "#dde", "stroke-width": zero ? 1.2 : 0.6 }, svg);
    el("text", { x: g.L - 6, y: g.y(v) + 4, "text-anchor": "end", "font-size": 11 }, svg).textContent = +v.toPrecision(3);
  }
  el("text", { x: 14, y: (g.T + g.H - g.B) / 2, transform: `rotate(-90 14 ${(g.T + g.H - g.B) / 2})`, "text-anchor": "middle", "font-size": 12, class: "axis-label" }, svg).textContent = yLabel;
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

function geometry(W, H, lo, hi, n) {
  const g = { W, H, L: 64, R: 12, T: 10, B: 34, lo, hi };
  if (g.hi === g.lo) g.hi = g.lo + 1;
  const pad = (g.hi - g.lo) * 0.05;
  g.lo -= pad; g.hi += pad;
  g.x = i => g.L + (i + 0.5) * (W - g.L - g.R) / n;
  g.y = v => g.T + (g.hi - v) / (g.hi - g.lo) * (H - g.T - g.B);
  g.slot = (W - g.L - g.R) / n;
  return g;
}

// lineChart draws series [{key, label, color, values:[{v, s}]}] over the
// x labels, each in its ±1σ band, provisional slots hatched. Every point
// carries data-value and data-sigma, so tests can read what is drawn.
function lineChart(box, labels, series, opts) {
  const W = 1000, H = opts.height || 300;
  let lo = 0, hi = 0;
  series.forEach(s => s.values.forEach(p => {
    if (p == null || p.v == null) return;
    const sg = p.s || 0;
    lo = Math.min(lo, p.v - sg); hi = Math.max(hi, p.v + sg);
  }));
  const legendItems = series.map(s => ({ label: s.label, color: s.color, line: true }));
  if (opts.provisional && opts.provisional.some(Boolean)) legendItems.push({ label: "provisional month", color: "#bbb", hatched: true });
  legendItems.push({ label: "band: ±1σ", color: "rgba(0,114,178,0.25)" });
  const svg = chartFrame(box, legendItems, opts.alt, W, H);
  if (!labels.length) { box.appendChild(document.createTextNode("No data in the chosen time range.")); return svg; }
  const g = geometry(W, H, lo, hi, labels.length);
  (opts.provisional || []).forEach((p, i) => {
    if (!p) return;
    el("rect", { x: g.x(i) - g.slot / 2, y: g.T, width: g.slot, height: H - g.T - g.B, fill: "#ccc", class: "provisional" }, svg);
    el("rect", { x: g.x(i) - g.slot / 2, y: g.T, width: g.slot, height: H - g.T - g.B, fill: `url(#hatch-${box.id})` }, svg);
  });
  axes(svg, g, opts.yLabel);
  series.forEach(s => band(svg, g, s));
  series.forEach(s => {
    const d = s.values.map((p, i) => p == null || p.v == null ? "" : `${i && s.values[i - 1] != null && s.values[i - 1].v != null ? "L" : "M"}${g.x(i).toFixed(1)},${g.y(p.v).toFixed(1)}`).join("");
    el("path", { d, fill: "none", stroke: s.color, "stroke-width": 1.8, class: "series", "data-key": s.key }, svg);
    s.values.forEach((p, i) => {
      if (p == null || p.v == null) return;
      const c = el("circle", { cx: g.x(i), cy: g.y(p.v), r: labels.length > 60 ? 1.5 : 3, fill: s.color, class: "pt", "data-key": s.key, "data-label": labels[i], "data-value": p.v, "data-sigma": p.s == null ? "" : p.s }, svg);
      el("title", {}, c).textContent = `${s.label}, ${labels[i]}: ${fmt(p.v, 4)}${p.s ? " ± " + fmt(p.s, 3) : ""} ${opts.unit || ""}`;
    });
  });
  const every = Math.max(1, Math.ceil(labels.length / 10));
  labels.forEach((l, i) => { if (i % every === 0) el("text", { x: g.x(i), y: H - g.B + 16, "text-anchor": "middle", "font-size": 11 }, svg).textContent = l; });
  el("text", { x: (g.L + W - g.R) / 2, y: H - 4, "text-anchor": "middle", "font-size": 12, class: "axis-label" }, svg).textContent = opts.xLabel || "month";
  return svg;
}

// band fills value ± σ under a series, in runs of points that have both.
function band(svg, g, s) {
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const up = run.map(i => `${g.x(i).toFixed(1)},${g.y(s.values[i].v + s.values[i].s).toFixed(1)}`);
      const dn = run.slice().reverse().map(i => `${g.x(i).toFixed(1)},${g.y(s.values[i].v - s.values[i].s).toFixed(1)}`);
      el("polygon", { points: up.concat(dn).join(" "), fill: s.color, opacity: 0.2, class: "band", "data-key": s.key }, svg);
    }
    run = [];
  };
  s.values.forEach((p, i) => { if (p != null && p.v != null && p.s != null && p.s > 0) run.push(i); else flush(); });
  flush();
}

// ---- panels ----

// annualPanel: the GCB-style annual budget, one bar per term with ±1σ;
// projected (projection()), the year in progress, is drawn outlined after
// the complete years.
function annualPanel(rows, projected) {
  rows = rows.filter(r => r.window === "calendar-year").slice(-10);
  if (projected && !rows.some(r => r.period === projected.period.slice(0, -1))) rows = rows.slice(-9).concat([projected]);
  const box = document.getElementById("annual");
  if (!rows.length) { box.textContent = "No complete calendar year yet."; return; }
  const terms = [["e_fos", 1], ["e_luc", 1], ["g_atm", -1], ["s_ocean", -1], ["s_land", -1], ["s_cement", -1], ["b_im", 1]];
  const sigma = (r, k) => (k === "s_cement" ? 0 : r[k + "_sigma_gtc"] || 0);
  let lo = 0, hi = 0;
  rows.forEach(r => terms.forEach(([k, sign]) => { const v = sign * r[k + "_gtc"]; lo = Math.min(lo, v - sigma(r, k)); hi = Math.max(hi, v + sigma(r, k)); }));
  const last = rows[rows.length - 1];
  const alt = `Annual budget, GtC per year. ${last.period}: ` + terms.map(([k]) => `${LABELS[k]} ${fmt(last[k + "_gtc"], 3)} ± ${fmt(sigma(last, k), 2)}`).join("; ");
  const items = terms.map(([k]) => ({ label: LABELS[k], color: COLORS[k] })).concat([{ label: "provisional (hatched)", color: "#333", hatched: true }]);
  if (projected && rows.includes(projected)) items.push({ label: "projected year (outlined, lighter)", color: "#fff" });
  const W = 1000, H = 380;
  const svg = chartFrame(box, items, alt, W, H);
  const g = geometry(W, H, lo, hi, rows.length);
  axes(svg, g, "GtC per year (sources +, sinks −)");
  const bw = g.slot * 0.8 / terms.length;
  rows.forEach((r, i) => {
    const prov = (r.provisional_terms || "").split(",");
    terms.forEach(([k, sign], j) => {
      const v = sign * r[k + "_gtc"], s = sigma(r, k);
      const x = g.x(i) - g.slot * 0.4 + j * bw;
      const y0 = g.y(Math.max(0, v)), y1 = g.y(Math.min(0, v));
      const rect = el("rect", { x, y: y0, width: bw * 0.9, height: Math.max(0.5, y1 - y0), fill: COLORS[k], "fill-opacity": r.projected ? 0.45 : 1, class: r.projected ? "bar projected-term" : "bar", "data-key": k, "data-period": r.period, "data-value": r[k + "_gtc"], "data-sigma": s }, svg);
      el("title", {}, rect).textContent = `${LABELS[k]}, ${r.period}: ${fmt(r[k + "_gtc"], 4)} ± ${fmt(s, 3)} GtC/yr`;
      if (prov.includes(k) || (k === "b_im" && r.provisional)) el("rect", { x, y: y0, width: bw * 0.9, height: Math.max(0.5, y1 - y0), fill: `url(#hatch-${box.id})`, class: "hatched" }, svg);
      if (s > 0) {
        const cx = x + bw * 0.45;
        el("path", { d: `M${cx},${g.y(v - s)}V${g.y(v + s)}M${cx - 3},${g.y(v - s)}h6M${cx - 3},${g.y(v + s)}h6`, stroke: "#000", "stroke-width": 1, class: "whisker" }, svg);
      }
    });
    if (r.projected) {
      // The year in progress: one dashed outline around its bars, titled
      // with the month the projection is as of and when it was made.
      const year = r.period.slice(0, -1);
      const frame = el("rect", { x: g.x(i) - g.slot * 0.45, y: g.T, width: g.slot * 0.9, height: H - g.T - g.B, fill: "none", stroke: "#333", "stroke-dasharray": "5 3", class: "projected" }, svg);
      el("title", {}, frame).textContent = `${year} projected as of ${r.as_of}, made ${r.made_at}`;
      document.getElementById("annualnote").textContent = `* ${year} is projected from the months published to ${r.as_of} (made ${r.made_at}); its bars are lighter and outlined, whiskers ±1σ of the projection.`;
    }
    el("text", { x: g.x(i), y: H - g.B + 16, "text-anchor": "middle", "font-size": 12 }, svg).textContent = r.period;
  });
}

// monthlyPanel: the main terms with their ±1σ bands over the time range.
function monthlyPanel() {
  const rows = state.monthly.filter(r => inRange(r.period));
  const keys = ["e_fos", "g_atm", "s_ocean", "s_land", "b_im"];
  const series = keys.map(k => ({ key: k, label: LABELS[k], color: COLORS[k], values: rows.map(r => ({ v: r[k + "_gtc"], s: r[k + "_sigma_gtc"] })) }));
  const last = rows[rows.length - 1];
  const alt = last ? `Monthly budget terms, GtC per month, ${rows[0].period} to ${last.period}; ${last.period}: ` + keys.map(k => `${LABELS[k]} ${fmt(last[k + "_gtc"], 3)}`).join("; ") : "Monthly budget: no months in range";
  lineChart(document.getElementById("monthly"), rows.map(r => r.period), series,
    { yLabel: "GtC per month", unit: "GtC", alt, provisional: rows.map(r => r.provisional) });
}

// globalTopDownPanel: the global bottom-up and top-down land and ocean
// series side by side, once an inversion product covers some month.
function globalTopDownPanel() {
  const rows = state.monthly.filter(r => inRange(r.period));
  const box = document.getElementById("globaltd");
  if (!rows.some(r => r.topdown_products > 0)) { box.textContent = "No atmospheric inversion product covers these months yet."; return; }
  const td = (r, k) => r.topdown_products > 0 ? { v: r[k + "_gtc"], s: r[k + "_sigma_gtc"] } : null;
  lineChart(box, rows.map(r => r.period), [
    // S_LAND − E_LUC: their σ in quadrature, as docs/format.md combines terms.
    { key: "net_land", label: "net land flux into land, bottom-up", color: COLORS.s_land, values: rows.map(r => ({ v: r.net_land_gtc, s: Math.hypot(r.s_land_sigma_gtc || 0, r.e_luc_sigma_gtc || 0) })) },
    { key: "net_land_topdown", label: "net land flux into land, top-down", color: "#cc79a7", values: rows.map(r => td(r, "net_land_topdown")) },
    { key: "s_ocean", label: "S_OCEAN, bottom-up", color: COLORS.s_ocean, values: rows.map(r => ({ v: r.s_ocean_gtc, s: r.s_ocean_sigma_gtc })) },
    { key: "s_ocean_topdown", label: "ocean flux, top-down", color: "#56b4e9", values: rows.map(r => td(r, "s_ocean_topdown")) }],
  { yLabel: "GtC per month", unit: "GtC", alt: "Global net land and ocean fluxes, bottom-up beside top-down, GtC per month", provisional: rows.map(r => r.provisional) });
}

// mapPanel: a term's map for a month on a canvas, with its colorbar and
// hover (mouse or arrow keys) showing the cell's and its region's values.
const map = { data: null, cell: -1 };

function rdbu(t) {
  t = Math.max(-1, Math.min(1, t));
  const x = (t + 1) / 2 * (RDBU.length - 1), i = Math.min(RDBU.length - 2, Math.floor(x)), f = x - i;
  const a = hex(RDBU[i]), b = hex(RDBU[i + 1]);
  return [0, 1, 2].map(k => Math.round(a[k] + f * (b[k] - a[k])));
}
function hex(h) { return [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)); }

async function mapPanel() {
  const month = document.getElementById("mapmonth").value;
  if (!month) return;
  const term = document.getElementById("mapterm").value, anomaly = document.getElementById("mapmode").value;
  document.getElementById("reportlink").href = withRelease(`/api/v1/months/${month}/report`);
  let d;
  try {
    d = await api(`/api/v1/mapdata/${month}?term=${term}&anomaly=${anomaly}`);
  } catch (e) {
    document.getElementById("mapnote").textContent = `No ${term} map for ${month}: ${e.message}`;
    return;
  }
  map.data = d;
  const what = d.anomaly ? "anomaly against the baseline mean of the same calendar month" : (anomaly === "1" ? "value (the baseline is not yet published, so no anomaly)" : "value");
  document.getElementById("mapnote").textContent = `${term} flux to the atmosphere, ${month}: ${what}; ${d.units}. Red = more carbon to the air, blue = more uptake; grey = no value.`;
  drawMap(d);
  drawColorbar(d);
  const cv = document.getElementById("mapcanvas");
  cv.setAttribute("aria-label", `Map of the ${term} flux to the atmosphere, ${month} (${what}); colour scale ±${fmt(d.limit, 2)} ${d.units}`);
  if (map.cell >= 0) showCell(map.cell);
}

function drawMap(d) {
  const cv = document.getElementById("mapcanvas");
  const s = Math.max(1, Math.round(720 / d.nlon));
  cv.width = d.nlon * s; cv.height = d.nlat * s;
  const ctx = cv.getContext("2d");
  const img = ctx.createImageData(d.nlon, d.nlat);
  d.values.forEach((v, i) => {
    const c = v == null ? [154, 154, 154] : rdbu(v / d.limit);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  });
  // Draw at one pixel per cell, then scale without smoothing so cells
  // stay sharp.
  const tmp = document.createElement("canvas");
  tmp.width = d.nlon; tmp.height = d.nlat;
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, cv.width, cv.height);
  // Coastlines and borders from the committed Natural Earth masks: edges
  // between land and sea cells (black) and between countries (grey).
  const ncountry = d.regions.findIndex(r => r.id.startsWith("reccap2-ocean/"));
  const land = i => d.region[i] >= 0 && (ncountry < 0 || d.region[i] < ncountry);
  const edge = (a, b) => land(a) !== land(b) ? "#000" : (land(a) && d.region[a] !== d.region[b] ? "#777" : null);
  ctx.lineWidth = 1;
  for (const colour of ["#777", "#000"]) {
    ctx.strokeStyle = colour;
    ctx.beginPath();
    for (let r = 0; r < d.nlat; r++) for (let c = 0; c < d.nlon; c++) {
      const i = r * d.nlon + c;
      if (edge(i, r * d.nlon + (c + 1) % d.nlon) === colour) { ctx.moveTo((c + 1) * s, r * s); ctx.lineTo((c + 1) * s, (r + 1) * s); }
      if (r + 1 < d.nlat && edge(i, i + d.nlon) === colour) { ctx.moveTo(c * s, (r + 1) * s); ctx.lineTo((c + 1) * s, (r + 1) * s); }
    }
    ctx.stroke();
  }
}

function drawColorbar(d) {
  const box = document.getElementById("colorbar");
  box.innerHTML = "";
  // The type size is set in style.css (.cbtext): larger on a phone, where
  // the bar is drawn at half its width.
  const W = 720, H = 70;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `colour scale from −${fmt(d.limit, 2)} (blue, uptake) to +${fmt(d.limit, 2)} (red, to the atmosphere) ${d.units}` }, box);
  const defs = el("defs", {}, svg);
  const grad = el("linearGradient", { id: "rdbu" }, defs);
  RDBU.forEach((c, i) => el("stop", { offset: i / (RDBU.length - 1), "stop-color": c }, grad));
  const L = 60, R = 60, bw = W - L - R;
  el("rect", { x: L, y: 2, width: bw, height: 16, fill: "url(#rdbu)", stroke: "#555", "stroke-width": 0.5 }, svg);
  const step = niceStep(d.limit / 2);
  for (let v = -Math.floor(d.limit / step) * step; v <= d.limit + 1e-12; v += step) {
    const x = L + (v + d.limit) / (2 * d.limit) * bw;
    el("line", { x1: x, x2: x, y1: 18, y2: 24, stroke: "#333" }, svg);
    el("text", { x, y: 40, "text-anchor": "middle", class: "cbtext" }, svg).textContent = +v.toPrecision(3);
  }
  el("text", { x: W / 2, y: 64, "text-anchor": "middle", class: "cbtext axis-label" }, svg).textContent = d.units;
}

// showCell writes the hover line for cell i: the cell's value (± σ) and
// its region's published value, σ and anomaly, as the API gives them.
function showCell(i) {
  const d = map.data;
  if (!d || i < 0 || i >= d.values.length) return;
  map.cell = i;
  const row = Math.floor(i / d.nlon), col = i % d.nlon, res = 180 / d.nlat;
  const lat = 90 - (row + 0.5) * res, lon = -180 + (col + 0.5) * res;
  const v = d.values[i], s = d.sigma ? d.sigma[i] : null;
  const reg = d.region[i] >= 0 ? d.regions[d.region[i]] : null;
  const out = document.getElementById("maphover");
  out.dataset.cell = i;
  out.dataset.region = reg ? reg.id : "";
  out.dataset.regionValue = reg && reg.value_gtc != null ? reg.value_gtc : "";
  out.dataset.regionSigma = reg && reg.sigma_gtc != null ? reg.sigma_gtc : "";
  const cell = `${Math.abs(lat).toFixed(1)}°${lat >= 0 ? "N" : "S"} ${Math.abs(lon).toFixed(1)}°${lon >= 0 ? "E" : "W"}: ${v == null ? "no value" : fmt(v, 3) + (s != null ? " ± " + fmt(s, 2) : "")} ${v == null ? "" : d.units}`;
  let region = "no region";
  if (reg) {
    region = `${reg.name}: ${d.component} ${reg.value_gtc == null ? "n/a" : fmt(reg.value_gtc, 4) + " ± " + fmt(reg.sigma_gtc, 3) + " GtC"} in ${d.month}`;
    if (reg.anomaly_gtc != null) region += `, anomaly ${fmt(reg.anomaly_gtc, 3)} GtC`;
  }
  out.textContent = `${region}. Cell ${cell}`;
  drawCursor(row, col);
}

// drawCursor outlines the current cell, in percentages of the map so it
// stays on its cell when the page is resized.
function drawCursor(row, col) {
  let c = document.getElementById("mapcursor");
  if (!c) c = html("div", { id: "mapcursor" }, document.getElementById("mapwrap"));
  const d = map.data;
  c.style.left = (col / d.nlon * 100) + "%";
  c.style.top = (row / d.nlat * 100) + "%";
  c.style.width = (100 / d.nlon) + "%";
  c.style.height = (100 / d.nlat) + "%";
}

function mapEvents() {
  const cv = document.getElementById("mapcanvas");
  const cellAt = (x, y) => {
    const d = map.data, r = cv.getBoundingClientRect();
    const col = Math.floor((x - r.left) / r.width * d.nlon), row = Math.floor((y - r.top) / r.height * d.nlat);
    return row >= 0 && row < d.nlat && col >= 0 && col < d.nlon ? row * d.nlon + col : -1;
  };
  cv.addEventListener("mousemove", e => { if (map.data) { const i = cellAt(e.clientX, e.clientY); if (i >= 0) showCell(i); } });
  cv.addEventListener("click", e => { if (map.data) showCell(cellAt(e.clientX, e.clientY)); });
  cv.addEventListener("keydown", e => {
    const d = map.data;
    if (!d) return;
    let i = map.cell < 0 ? Math.floor(d.nlat / 2) * d.nlon + Math.floor(d.nlon / 2) : map.cell;
    const row = Math.floor(i / d.nlon), col = i % d.nlon, step = e.shiftKey ? 10 : 1;
    const moves = { ArrowLeft: [0, -step], ArrowRight: [0, step], ArrowUp: [-step, 0], ArrowDown: [step, 0] };
    if (!moves[e.key]) return;
    e.preventDefault();
    const r = Math.max(0, Math.min(d.nlat - 1, row + moves[e.key][0])), c = (col + moves[e.key][1] + d.nlon) % d.nlon;
    showCell(r * d.nlon + c);
  });
  ["mapterm", "mapmode", "mapmonth"].forEach(id => document.getElementById(id).addEventListener("change", mapPanel));
}

// comparePanel: up to four regions' series of one component, as totals,
// per person or per area (countries only: population and land area from
// /api/v1/countries), each with its ±1σ band.
async function comparePanel() {
  const ids = [...document.querySelectorAll("select.cmp")].map(s => s.value).filter(Boolean);
  const comp = document.getElementById("cmpcomp").value, view = document.getElementById("cmpview").value;
  const note = document.getElementById("cmpnote");
  const box = document.getElementById("comparechart");
  const all = await Promise.all(ids.map(id => api(`/api/v1/regions/${encodeURIComponent(id)}?component=${comp}`)));
  const months = [...new Set(all.flat().map(r => r.month))].filter(inRange).sort();
  const skipped = [];
  const series = [];
  ids.forEach((id, k) => {
    const info = state.regions.find(r => r.id === id) || { name: id };
    let scale = 1, unit = "GtC per month";
    if (view !== "total") {
      const c = state.countries.get(id);
      if (!c || (view === "capita" && c.population == null)) { skipped.push(info.name); return; }
      // GtC → t C per person: × 1e9 / population; GtC → g C m⁻²: × 1e15 g / (km² × 1e6 m²).
      scale = view === "capita" ? 1e9 / c.population : 1e9 / c.land_area_km2;
      unit = view === "capita" ? "t C per person per month" : "g C per m² of land per month";
    }
    const by = new Map(all[k].map(r => [r.month, r]));
    series.push({ key: id, label: `${info.name}`, color: SERIES_COLORS[k], unit,
      values: months.map(m => { const r = by.get(m); return r && r.value_gtc != null ? { v: r.value_gtc * scale, s: r.sigma_gtc == null ? null : r.sigma_gtc * scale, raw: r.value_gtc } : null; }) });
  });
  const unit = series.length ? series[0].unit : "GtC per month";
  note.textContent = (skipped.length ? `Left out (per-${view === "capita" ? "person" : "area"} views need a country${view === "capita" ? " with a known population" : ""}): ${skipped.join(", ")}. ` : "") +
    (view === "capita" ? "Population: World Bank 2018, via the npm package country-json. " : view === "area" ? "Land area: Natural Earth, on the 0.25° grid. " : "");
  const alt = `Comparison of ${series.map(s => s.label).join(", ")}: ${comp}, ${unit}`;
  lineChart(box, months, series, { yLabel: unit, unit, alt });
}

// regionPanel: one region's series with downloads, and its bottom-up and
// top-down series.
async function regionPanel() {
  const id = document.getElementById("region").value;
  const comp = document.getElementById("component").value;
  const base = `/api/v1/regions/${encodeURIComponent(id)}?component=${comp}`;
  document.getElementById("dl-csv").href = base + "&format=csv";
  document.getElementById("dl-parquet").href = base + "&format=parquet";
  const rows = (await api(base)).filter(r => inRange(r.month));
  lineChart(document.getElementById("regionchart"), rows.map(r => r.month), [
    { key: "value", label: "value (GtC per month)", color: SERIES_COLORS[0], values: rows.map(r => ({ v: r.value_gtc, s: r.sigma_gtc })) },
    // The anomaly carries the value's σ: the baseline mean of eight years
    // adds little to it.
    { key: "anomaly", label: "anomaly against the baseline (GtC per month)", color: SERIES_COLORS[1], values: rows.map(r => ({ v: r.anomaly_gtc, s: r.sigma_gtc })) }],
  { yLabel: "GtC per month", unit: "GtC", alt: `${id} ${comp}, GtC per month`, provisional: rows.map(r => r.provisional) });
  await topDownPanel(id);
}

// topDownPanel draws a region's bottom-up and top-down series with their
// 1σ bands (land where the region has land, else ocean) and lists the
// months where they disagree.
async function topDownPanel(id) {
  const box = document.getElementById("topdownchart"), list = document.getElementById("disagreements");
  list.innerHTML = "";
  const base = `/api/v1/regions/${encodeURIComponent(id)}`;
  let [bu, td] = await Promise.all([api(base + "?component=land_sink"), api(base + "?component=land_topdown")]);
  let domain = "land";
  if (!bu.length) {
    [bu, td] = await Promise.all([api(base + "?component=ocean_sink"), api(base + "?component=ocean_topdown")]);
    domain = "ocean";
  }
  if (!td.length) { box.textContent = "No atmospheric inversion product covers this region yet."; return; }
  const byMonth = new Map(td.map(r => [r.month, r]));
  bu = bu.filter(r => inRange(r.month));
  lineChart(box, bu.map(r => r.month), [
    { key: "bu", label: domain === "land" ? "bottom-up land sink (GtC per month)" : "bottom-up S_OCEAN (GtC per month)", color: COLORS.s_land, values: bu.map(r => ({ v: r.value_gtc, s: r.sigma_gtc })) },
    { key: "td", label: "top-down, inversions (GtC per month)", color: "#cc79a7", values: bu.map(r => { const t = byMonth.get(r.month); return t ? { v: t.value_gtc, s: t.sigma_gtc } : null; }) }],
  { yLabel: "GtC per month", unit: "GtC", alt: `${id}: bottom-up and top-down ${domain} flux, GtC per month`, provisional: bu.map(r => r.provisional) });
  const dis = await api(`/api/v1/agreement?region=${encodeURIComponent(id)}&product=ensemble&disagree=true`);
  dis.slice(-6).forEach(a => html("li", {}, list, a.text));
}

// reportsPanel links every published month's report.
function reportsPanel() {
  const ul = document.getElementById("reports");
  ul.innerHTML = "";
  state.months.slice().reverse().forEach(m => {
    const li = html("li", {}, ul);
    html("a", { href: withRelease(`/api/v1/months/${m}/report`) }, li, m);
  });
}

// ---- controls ----

function fillRegionSelect(sel, blank) {
  if (blank) html("option", { value: "" }, sel, "—");
  const groups = {};
  state.regions.forEach(r => {
    if (!groups[r.kind]) groups[r.kind] = html("optgroup", { label: r.kind }, sel);
    html("option", { value: r.id }, groups[r.kind], r.name);
  });
}

function timeRange() {
  const from = document.getElementById("from"), to = document.getElementById("to");
  const apply = () => { state.from = from.value; state.to = to.value; monthlyPanel(); globalTopDownPanel(); comparePanel(); regionPanel(); };
  from.addEventListener("change", apply);
  to.addEventListener("change", apply);
  document.querySelectorAll("button[data-range]").forEach(b => b.addEventListener("click", () => {
    const n = +b.dataset.range, ms = state.months;
    from.value = n && ms.length > n ? ms[ms.length - n] : (ms[0] || "");
    to.value = ms[ms.length - 1] || "";
    apply();
  }));
}

async function main() {
  const health = await api("/healthz");
  document.getElementById("updated").textContent = `Latest month ${health.latest}; last updated ${health.updated}; ${health.months} months published.`;
  const [annual, monthly, months, regions, countries, projected] = await Promise.all([api("/api/v1/budget?freq=annual"), api("/api/v1/budget?freq=monthly"),
    api("/api/v1/months"), api("/api/v1/regions"), api("/api/v1/countries"), projection()]);
  state.monthly = monthly;
  state.months = months.map(m => m.month).sort();
  state.regions = regions;
  countries.forEach(c => state.countries.set(c.iso3, c));
  const ms = state.months;
  document.getElementById("from").value = ms[0] || "";
  document.getElementById("to").value = ms[ms.length - 1] || "";
  state.from = ms[0] || ""; state.to = ms[ms.length - 1] || "";
  annualPanel(annual, projected);
  monthlyPanel();
  globalTopDownPanel();
  const mm = document.getElementById("mapmonth");
  ms.slice().reverse().forEach(m => html("option", { value: m }, mm, m));
  mapEvents();
  await mapPanel();
  const cmp = [...document.querySelectorAll("select.cmp")];
  cmp.forEach((s, i) => { fillRegionSelect(s, i > 0); s.addEventListener("change", comparePanel); });
  if (regions.length) cmp[0].value = regions.some(r => r.id === "global") ? "global" : regions[0].id;
  ["cmpcomp", "cmpview"].forEach(id => document.getElementById(id).addEventListener("change", comparePanel));
  await comparePanel();
  const sel = document.getElementById("region");
  regions.forEach(r => html("option", { value: r.id }, sel, `${r.name} (${r.kind})`));
  sel.addEventListener("change", regionPanel);
  document.getElementById("component").addEventListener("change", regionPanel);
  if (regions.length) await regionPanel();
  reportsPanel();
  await showFindings();
  timeRange();
  document.body.dataset.ready = "1";
}

main().catch(e => { document.getElementById("updated").textContent = "Error: " + e.message; document.body.dataset.ready = "error"; });
