// Findings panel: what was unusual (GET /api/v1/findings), newest period
// first; choosing one draws the waterfall of its anomaly by driver: the
// baseline mean, each driver's share (emulators' groups and the observed
// fire), and what the drivers leave unexplained, up to the value.
"use strict";

async function showFindings() {
  const list = document.getElementById("findings");
  const all = await api("/api/v1/findings");
  list.innerHTML = "";
  if (!all.length) { list.textContent = "No findings yet: they need the baseline years published."; return; }
  const latest = all[all.length - 1].period;
  const periods = [...new Set(all.map(f => f.period))].slice(-12).reverse();
  const shown = all.filter(f => periods.includes(f.period)).sort((a, b) => periods.indexOf(a.period) - periods.indexOf(b.period) || a.rank - b.rank);
  shown.slice(0, 40).forEach(f => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "finding";
    b.dataset.key = `${f.period}|${f.region_id}|${f.component}`;
    b.textContent = `${f.period} · ${f.name} · ${f.component.replace("_", " ")} ${f.anomaly_gtc >= 0 ? "+" : ""}${f.anomaly_gtc.toFixed(3)} GtC (${f.z >= 0 ? "+" : ""}${f.z.toFixed(1)}σ, ${f.maturity})`;
    b.title = f.text;
    b.addEventListener("click", () => drawWaterfall(f));
    li.appendChild(b);
    list.appendChild(li);
  });
  document.getElementById("findingsnote").textContent = `Latest period with findings: ${latest}. Choose one to see its anomaly by driver.`;
  const first = shown.find(f => f.driver_shares && f.driver_shares.length) || shown[0];
  drawWaterfall(first);
}

function drawWaterfall(f) {
  const box = document.getElementById("waterfall");
  box.dataset.finding = `${f.period}|${f.region_id}|${f.component}`;
  document.getElementById("findingtext").textContent = f.text;
  const steps = [{ label: "baseline", v: f.baseline_gtc, base: true }];
  let sum = 0;
  (f.driver_shares || []).forEach(d => { steps.push({ label: d.driver + (d.source && d.source !== "emulators" ? ` (${d.source})` : ""), v: d.anomaly_gtc, sigma: d.sigma_gtc }); sum += d.anomaly_gtc; });
  if (steps.length > 1) steps.push({ label: "other", v: f.anomaly_gtc - sum });
  else steps.push({ label: "anomaly", v: f.anomaly_gtc });
  steps.push({ label: "value", v: f.value_gtc, base: true });
  let run = 0, lo = 0, hi = 0;
  const bars = steps.map(s => {
    const from = s.base ? 0 : run, to = s.base ? s.v : run + s.v;
    run = s.base ? s.v : to;
    lo = Math.min(lo, from, to); hi = Math.max(hi, from, to);
    return { ...s, from, to };
  });
  const W = 1000, H = 300;
  const alt = `Waterfall of ${f.name}'s ${f.component.replace("_", " ")} anomaly in ${f.period} by driver: ` +
    bars.map(b => `${b.label} ${(b.base ? "" : b.v >= 0 ? "+" : "") + b.v.toFixed(3)}`).join(", ") + " GtC";
  // Okabe–Ito colours, safe for colour-blind readers.
  const svg = chartFrame(box, [{ label: "baseline and value", color: "#777" }, { label: "raises the value", color: "#0072b2" }, { label: "lowers the value", color: "#d55e00" }], alt, W, H);
  const g = geometry(W, H, lo, hi, bars.length);
  axes(svg, g, "GtC in the period");
  const bw = g.slot * 0.7;
  bars.forEach((b, i) => {
    const x = g.x(i) - bw / 2;
    const fill = b.base ? "#777" : (b.to >= b.from ? "#0072b2" : "#d55e00");
    el("rect", { x, y: g.y(Math.max(b.from, b.to)), width: bw, height: Math.max(1, Math.abs(g.y(b.from) - g.y(b.to))), fill, class: "step" }, svg);
    el("text", { x: g.x(i), y: H - g.B + 14, "text-anchor": "middle", "font-size": 11 }, svg).textContent = b.label;
    el("text", { x: g.x(i), y: H - g.B + 28, "text-anchor": "middle", "font-size": 10 }, svg).textContent = (b.base ? "" : (b.v >= 0 ? "+" : "")) + b.v.toFixed(3);
  });
}
