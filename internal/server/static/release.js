// carbonbudget dashboard: which release is on screen. Loaded before app.js,
// whose API requests go through withRelease, so that /?release=ID shows
// that immutable release and / the output directory as published now.
"use strict";

const RELEASE = new URLSearchParams(location.search).get("release") || "";

function withRelease(url) {
  if (!RELEASE || !url.startsWith("/api/v1/")) return url;
  return url + (url.includes("?") ? "&" : "?") + "release=" + encodeURIComponent(RELEASE);
}

function releaseLabel(r) {
  return `${r.id}${r.name ? " (" + r.name + ")" : ""}, ${r.created.slice(0, 10)}, ${r.first_month} to ${r.last_month}`;
}

async function showRelease() {
  const box = document.getElementById("release");
  if (!box) return;
  let list;
  try {
    const r = await fetch("/api/v1/releases");
    if (!r.ok) throw new Error(r.status);
    list = await r.json();
  } catch (e) {
    box.textContent = RELEASE ? `Release ${RELEASE} (the release list is unavailable)` : "";
    return;
  }
  const rels = list.releases || [];
  // Without ?release= the server answers from its default: live, or a release.
  const want = RELEASE || (list.default && list.default !== "live" ? list.default : "");
  const shown = want && want !== "live" && rels.find(r => r.id === want || r.name === want || (want.length >= 6 && r.id.startsWith(want)) || (want === "latest" && r.id === list.latest));
  const text = document.createElement("span");
  text.id = "release-shown";
  if (RELEASE && RELEASE !== "live" && !shown) {
    text.textContent = `No release "${RELEASE}". `;
  } else if (shown) {
    text.textContent = `Showing release ${releaseLabel(shown)}: frozen, citable. `;
  } else {
    text.textContent = "Showing the live output (as published now, not a release)" +
      (list.latest ? `; latest release ${list.latest}. ` : "; no release yet. ");
  }
  box.replaceChildren(text);
  if (rels.length === 0) return;
  const sel = document.createElement("select");
  sel.id = "release-select";
  sel.setAttribute("aria-label", "release");
  const live = document.createElement("option");
  live.value = "live";
  live.textContent = "live output";
  sel.appendChild(live);
  for (const r of rels) {
    const o = document.createElement("option");
    o.value = r.id;
    o.textContent = releaseLabel(r);
    if (shown && shown.id === r.id) o.selected = true;
    sel.appendChild(o);
  }
  if (!shown) live.selected = true;
  sel.addEventListener("change", () => { location.search = "?release=" + encodeURIComponent(sel.value); });
  box.appendChild(sel);
}

document.addEventListener("DOMContentLoaded", showRelease);
