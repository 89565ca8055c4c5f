// The page's state and its round trips: meta once, then POST /api/v1/evaluate whenever a
// control changes (the latest answer wins), every view drawn from that answer. The state
// lives in the URL hash (overlay, reference, year, unit, map column, search, sort, the
// explained county): a link reproduces the view.
"use strict";

const App = (() => {
  const $ = (id) => document.getElementById(id);
  const view = { ref: "against", year: null, unit: "yi", col: "delta_per_capita", q: "", sort: { key: "delta", dir: "desc" }, region: "" };
  let meta = null, tiles = null, data = null, overlay = {}, seq = 0, timer = null;
  const names = new Map();

  const MAP_COLUMNS = [
    ["delta_per_capita", "可用财力人均变化 Δ available per head (元)"],
    ["delta", "可用财力变化 Δ available"],
    ["delta_pct", "变化率 Δ %"],
    ["available_per_capita", "人均可用财力 available per head (元)"],
    ["available", "可用财力 available"],
    ["retention", "留成率 share of local revenue kept"],
  ];

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    try { overlay = p.has("o") ? JSON.parse(p.get("o")) : {}; } catch (e) { overlay = {}; }
    if (p.has("ref")) view.ref = p.get("ref");
    if (p.has("year")) view.year = p.get("year") === "all" ? "all" : Number(p.get("year"));
    if (p.has("unit") && Money.UNITS[p.get("unit")]) view.unit = p.get("unit");
    if (p.has("col")) view.col = p.get("col");
    if (p.has("q")) view.q = p.get("q");
    if (p.has("sort")) { const [key, dir] = p.get("sort").split(":"); view.sort = { key, dir: dir === "asc" ? "asc" : "desc" }; }
    if (p.has("region")) view.region = p.get("region");
  }

  function writeHash() {
    const p = new URLSearchParams();
    if (Object.keys(overlay).length) p.set("o", JSON.stringify(overlay));
    p.set("ref", view.ref);
    p.set("year", String(view.year));
    p.set("unit", view.unit);
    p.set("col", view.col);
    if (view.q) p.set("q", view.q);
    p.set("sort", `${view.sort.key}:${view.sort.dir}`);
    if (view.region) p.set("region", view.region);
    history.replaceState(null, "", `#${p.toString()}`);
  }

  function setLinks() {
    const q = `overlay=${encodeURIComponent(JSON.stringify(overlay))}`;
    $("save-scenario").href = `/api/v1/download/scenario.toml?${q}`;
    $("download-csv").href = `/api/v1/download/settlement.csv?${q}`;
    $("download-xlsx").href = `/api/v1/download/settlement.xlsx?${q}`;
  }

  function status(text, error) {
    $("status").textContent = text;
    $("status").className = error ? "status error" : "status";
  }

  /** A control changed: read the overlay and evaluate it shortly (typing settles first). */
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(() => { overlay = Controls.read(); evaluate(); }, 250);
  }

  async function evaluate() {
    const mine = ++seq;
    const sent = overlay;
    writeHash();
    setLinks();
    status("计算中 evaluating…");
    document.body.dataset.busy = "1";
    const t0 = performance.now();
    let resp, body;
    try {
      resp = await fetch(`/api/v1/evaluate?reference=${encodeURIComponent(view.ref)}`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(sent),
      });
      body = await resp.json();
    } catch (e) {
      if (mine === seq) { status(`请求失败 request failed: ${e.message}`, true); delete document.body.dataset.busy; }
      return;
    }
    if (mine !== seq) return;
    delete document.body.dataset.busy;
    if (!resp.ok) {
      Controls.showError(body.field, body.error); // beside its control, when one carries the field
      status(`错误 error${body.field ? ` (${body.field})` : ""}: ${body.error}`, true);
      document.body.dataset.error = body.field || "error";
      return;
    }
    Controls.clearErrors();
    delete document.body.dataset.error;
    data = body;
    const ms = performance.now() - t0;
    status(`${data.scenario} 对比 against ${data.reference}`);
    $("timing").textContent = `服务器计算 server ${Number(data.milliseconds).toFixed(1)} ms · 往返 round trip ${ms.toFixed(0)} ms`;
    if (view.year !== "all" && !data.years.includes(view.year)) view.year = data.years[data.years.length - 1];
    fillYears();
    draw();
    if (view.region) await explain(view.region, true);
    document.body.dataset.evaluated = JSON.stringify(sent);
  }

  function fillYears() {
    $("year").innerHTML = data.years.map((y) => `<option value="${y}">${y}${y > meta.scenario.last_actual_year ? " 预测 projected" : ""}</option>`).join("")
      + `<option value="all">全部年度 all years</option>`;
    $("year").value = String(view.year);
  }

  function kpis() {
    const s = view.year === "all" ? null : data.comparison_summary.find((r) => r.fiscal_year === view.year);
    const sum = (k) => Money.sum(data.comparison_summary.map((r) => r[k]));
    const m = (k) => Money.text(s ? Money.fen(s[k]) : sum(k), view.unit) + " " + Money.UNITS[view.unit].label;
    const g = (a, b) => (s && s[a] !== null ? `${Number(s[a]).toFixed(4)} → ${Number(s[b]).toFixed(4)}` : "—");
    const tot = data.comparison_totals.filter((r) => r.kind === "county");
    const wins = s ? s.winners : tot.filter((r) => Money.fen(r.delta_sum) > 0n).length;
    const loss = s ? s.losers : tot.filter((r) => Money.fen(r.delta_sum) < 0n).length;
    const cards = [
      ["得益县 counties gaining", wins], ["受损县 counties losing", loss],
      ["县 Δ counties", m("delta_counties")], ["市 Δ prefectures", m("delta_prefectures")], ["省 Δ province", m("delta_province")],
      ["加权基尼 weighted Gini", g("gini_weighted_reference", "gini_weighted")], ["加权泰尔 weighted Theil", g("theil_weighted_reference", "theil_weighted")],
    ];
    $("kpis").innerHTML = cards.map(([k, v]) => `<div class="kpi"><div class="k">${k}</div><div class="v">${Tables.esc(v)}</div></div>`).join("");
  }

  function mapValues() {
    const inYear = (r) => view.year === "all" || r.fiscal_year === view.year;
    const out = new Map();
    const col = view.col;
    const fromSettlement = col === "available" || col === "available_per_capita";
    const rows = (fromSettlement ? data.settlement : data.comparison).filter(inYear);
    const perHead = col.endsWith("per_capita");
    for (const r of rows) {
      const raw = r[col];
      if (raw === null || raw === undefined) continue;
      let x;
      if (col === "delta_pct" || col === "retention") x = Number(raw);
      else x = Money.value(Money.fen(raw), perHead ? "yuan" : view.unit);
      if (view.year === "all" && (col === "delta_pct" || col === "retention")) continue;
      out.set(r.region_code, (out.get(r.region_code) || 0) + x);
    }
    const label = MAP_COLUMNS.find((c) => c[0] === col)[1] + (perHead || col === "delta_pct" || col === "retention" ? "" : ` (${Money.UNITS[view.unit].label})`);
    return [out, label];
  }

  function draw() {
    if (!data) return;
    kpis();
    Tables.province($("table-province"), data, view);
    Tables.prefectures($("table-prefectures"), data, view);
    Tables.counties($("table-counties"), data, view, names, {
      onSort: (key) => { view.sort = { key, dir: view.sort.key === key && view.sort.dir === "desc" ? "asc" : "desc" }; writeHash(); draw(); },
      onClick: (code) => explain(code),
    });
    Tables.totals($("table-totals"), data, view);
    $("discount").textContent = `贴现率 discount ${data.discount} a year`;
    Charts.province(data, view);
    Charts.deltaYears(data, view);
    Charts.top(Tables.countyRows(data, view, names), view);
    Charts.groups(data, view);
    Charts.retention(data, view);
    Charts.gaps(data, view);
    Charts.lorenz(data, view);
    const [values, label] = mapValues();
    Charts.map(tiles, values, label, (code) => explain(code));
  }

  async function explain(code, quiet) {
    view.region = code;
    writeHash();
    const year = view.year === "all" ? data.years[data.years.length - 1] : view.year;
    const sec = $("explain");
    sec.hidden = false;
    $("explain-title").textContent = `${code} ${names.get(code) || ""} · ${year}`;
    if (!quiet) {
      document.querySelectorAll("#table-counties tr.selected").forEach((tr) => tr.classList.remove("selected"));
      const tr = document.querySelector(`#table-counties tr[data-code="${code}"]`);
      if (tr) tr.classList.add("selected");
    }
    const r = await fetch("/api/v1/explain", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ region: code, year, overlay }) });
    const body = await r.json();
    $("explain-body").innerHTML = r.ok ? Explain.html(body) : `<p class="status error">${Tables.esc(body.error)}</p>`;
    if (!quiet) sec.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function viewChanged() {
    view.ref = $("ref").value;
    view.year = $("year").value === "all" ? "all" : Number($("year").value);
    view.unit = $("unit").value;
    view.col = $("map-col").value;
    view.q = $("search").value;
  }

  async function start() {
    readHash();
    const [m, t] = await Promise.all([fetch("/api/v1/meta").then((r) => r.json()), fetch("/assets/tiles.json").then((r) => r.json())]);
    meta = m;
    tiles = t;
    for (const r of meta.regions) names.set(r.code, r.name);
    $("banner").textContent = meta.scenario.data_nature;
    $("meta").textContent = `情景 scenario: ${meta.scenario.name}${meta.scenario.description ? ` — ${meta.scenario.description}` : ""} · 基准 reference: ${meta.reference.name} · 按月 monthly granularity · ${meta.years[0]}–${meta.years[meta.years.length - 1]}`;
    Controls.build(meta);
    Controls.set(overlay);
    overlay = Controls.read(); // as the controls say it, each input tagged with its field
    $("map-col").innerHTML = MAP_COLUMNS.map(([k, l]) => `<option value="${k}">${l}</option>`).join("");
    if (view.year === null) view.year = meta.years[meta.years.length - 1];
    $("ref").value = view.ref;
    $("unit").value = view.unit;
    $("map-col").value = view.col;
    $("search").value = view.q;
    $("form").addEventListener("change", (e) => { if (e.target.id !== "ref") changed(); });
    $("form").addEventListener("input", (e) => { if (e.target.type === "text" || e.target.type === "number") changed(); });
    $("form").addEventListener("click", (e) => { if (e.target.classList.contains("remove") || e.target.id.startsWith("add-")) changed(); });
    $("ref").addEventListener("change", () => { viewChanged(); evaluate(); });
    for (const id of ["year", "unit", "map-col"]) $(id).addEventListener("change", () => { viewChanged(); writeHash(); draw(); });
    $("year").addEventListener("change", () => { if (view.region) explain(view.region, true); });
    $("search").addEventListener("input", () => { viewChanged(); writeHash(); draw(); });
    $("reset").addEventListener("click", () => { overlay = {}; Controls.set({}); evaluate(); });
    $("explain-close").addEventListener("click", () => { $("explain").hidden = true; view.region = ""; writeHash(); });
    window.addEventListener("resize", () => Charts.resizeAll());
    await evaluate();
  }

  return { start, changed };
})();

window.addEventListener("DOMContentLoaded", () => {
  App.start().catch((e) => {
    document.getElementById("status").textContent = `页面载入失败 the page failed to load: ${e.message}`;
    document.getElementById("status").className = "status error";
  });
});
