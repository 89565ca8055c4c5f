// The controls: built from /api/v1/meta, read into an overlay (the keys of a scenario
// file's overlay tables: override, regime, baseline, projection) and set back from one.
// Only what differs from the served scenario goes into the overlay, so {} is the served
// scenario. Every input carries data-field, the API's name for it, to show its errors.
"use strict";

const Controls = (() => {
  const $ = (id) => document.getElementById(id);
  let meta = null;
  let served = {};

  const itemOptions = (sel) => meta.items.map((i) => `<option value="${i.code}"${i.code === sel ? " selected" : ""}>${i.code} ${Tables.esc(i.name)}</option>`).join("");

  function overrideRow(o) {
    const box = document.createElement("div");
    box.className = "row-box override";
    box.innerHTML = `
      <label>科目 <span class="en">item</span><select class="o-item">${itemOptions(o.item || meta.items[0].code)}</select></label>
      <div class="cols">
        <label>自 <span class="en">from</span><input class="o-from" type="month" value="${o.from || "2022-01"}"></label>
        <label>中央 <span class="en">central</span><input class="o-central" type="text" inputmode="decimal" placeholder="—" value="${o.central || ""}"></label>
        <label>省 <span class="en">province</span><input class="o-province" type="text" inputmode="decimal" placeholder="—" value="${o.province || ""}"></label>
        <label>市 <span class="en">prefecture</span><input class="o-prefecture" type="text" inputmode="decimal" placeholder="—" value="${o.prefecture || ""}"></label>
      </div>
      <p class="hint o-rule"></p>
      <button type="button" class="remove">删除 remove</button>`;
    const showRule = () => {
      const it = meta.items.find((i) => i.code === box.querySelector(".o-item").value);
      const r = it && it.rules && it.rules[it.rules.length - 1];
      box.querySelector(".o-rule").textContent = r ? `现行 rulebook from ${r.from}: 中央 ${r.central} · 省 ${r.province} · 市 ${r.prefecture}` : "";
    };
    box.querySelector(".o-item").addEventListener("change", showRule);
    box.querySelector(".remove").addEventListener("click", () => { box.remove(); App.changed(); });
    showRule();
    $("overrides").appendChild(box);
    return box;
  }

  function growthRow(code, rate) {
    const box = document.createElement("div");
    box.className = "row-box growth";
    box.innerHTML = `
      <div class="cols">
        <label>科目 <span class="en">item prefix</span><select class="g-item">${itemOptions(code)}</select></label>
        <label>增长率 <span class="en">growth</span><input class="g-rate" type="text" inputmode="decimal" value="${rate || ""}"></label>
      </div>
      <button type="button" class="remove">删除 remove</button>`;
    box.querySelector(".remove").addEventListener("click", () => { box.remove(); App.changed(); });
    $("growth-items").appendChild(box);
    return box;
  }

  /** A starting value when a method is picked (the examples of the README). */
  const EXAMPLE = { rate: "0.03", revenue_coefficient: "0.3", phase_out_years: "5", increment_share: "0.5" };
  const methodOf = (ix) => (ix ? Object.keys(ix)[0] : "fixed");

  function showMethod() {
    const m = meta.indexation_methods.find((x) => x.method === $("idx-method").value);
    $("idx-value-label").hidden = !m || m.method === "fixed";
    $("idx-value").placeholder = m && m.parameter ? m.parameter : "";
    $("idx-value").title = $("idx-value").placeholder;
  }

  /** Builds the controls from meta once. */
  function build(m) {
    meta = m;
    served = (m.scenario && m.scenario.overlay) || {};
    $("ref").innerHTML = (m.references || ["against", "scenario"]).map((r) => {
      const name = r === "scenario" ? `${m.scenario.name}（所载情景本身 the served scenario）` : `${m.reference.name}`;
      return `<option value="${r}">${Tables.esc(name)}</option>`;
    }).join("");
    const counties = m.regions.filter((r) => r.kind === "county");
    $("regime-county").innerHTML = `<option value="">— 不改 none —</option>` + counties.map((r) => `<option value="${r.code}">${r.code} ${Tables.esc(r.name)}（${r.direct_since || "不直管 never"}）</option>`).join("");
    $("idx-method").innerHTML = m.indexation_methods.map((x) => `<option value="${x.method}">${Tables.esc(x.label || x.method)}</option>`).join("");
    const last = m.scenario.last_actual_year;
    $("base-years").innerHTML = m.years.filter((y) => y <= last).map((y) => `<label class="check"><input type="checkbox" value="${y}"> ${y}</label>`).join("");
    $("add-override").addEventListener("click", () => { overrideRow({}); });
    $("add-growth").addEventListener("click", () => { growthRow(meta.items[0].code, ""); });
    $("idx-method").addEventListener("change", () => {
      $("idx-value").value = EXAMPLE[$("idx-method").value] ?? "";
      showMethod();
    });
    $("regime-mode").addEventListener("change", () => { $("regime-month-label").hidden = $("regime-mode").value !== "all"; });
    $("regime-county").addEventListener("change", () => {
      const c = $("regime-county").value;
      $("regime-county-date-row").hidden = !c;
      const r = meta.regions.find((x) => x.code === c);
      $("regime-county-date").value = (r && r.direct_since) || "2022-01";
      $("regime-county-never").checked = false;
    });
  }

  /** Sets every control from an overlay (the served values where it says nothing). */
  function set(o) {
    $("overrides").innerHTML = "";
    for (const x of o.override || []) overrideRow(x);
    const rg = o.regime || {};
    $("regime-mode").value = rg.cancel_from ? "none" : rg.all_direct_from ? "all" : "served";
    $("regime-month").value = rg.all_direct_from || "2022-01";
    $("regime-month-label").hidden = !rg.all_direct_from;
    const [code, date] = Object.entries(rg.county || {})[0] || ["", ""];
    $("regime-county").value = code;
    $("regime-county-date-row").hidden = !code;
    $("regime-county-date").value = date || "2022-01";
    $("regime-county-never").checked = Boolean(code) && date === "";
    const bl = Object.assign({}, served.baseline, o.baseline);
    const ix = bl.indexation || { fixed: true };
    $("idx-method").value = methodOf(ix);
    $("idx-value").value = ix[methodOf(ix)] === true ? "" : String(ix[methodOf(ix)]);
    showMethod();
    const by = new Set((bl.base_years || []).map(Number));
    $("base-years").querySelectorAll("input").forEach((c) => { c.checked = by.has(Number(c.value)); });
    const pj = Object.assign({}, served.projection, o.projection);
    $("through").value = pj.through || meta.years[meta.years.length - 1];
    const growth = Object.assign({}, (served.projection || {}).growth, (o.projection || {}).growth);
    $("growth-default").value = growth.default || "";
    $("growth-items").innerHTML = "";
    for (const [k, r] of Object.entries(growth)) if (k !== "default") growthRow(k, r);
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  /** The overlay the controls say; also tags each input with its API field name. */
  function read() {
    const o = {};
    const ovr = [];
    document.querySelectorAll("#overrides .override").forEach((box) => {
      const x = { item: box.querySelector(".o-item").value, from: box.querySelector(".o-from").value };
      for (const k of ["central", "province", "prefecture"]) {
        const v = box.querySelector(`.o-${k}`).value.trim();
        if (v !== "") x[k] = v;
      }
      const i = ovr.length;
      box.querySelectorAll("select, input").forEach((el) => { el.dataset.field = ""; });
      if (Object.keys(x).length > 2) {
        box.querySelector(".o-item").dataset.field = `override[${i}].item`;
        box.querySelector(".o-from").dataset.field = `override[${i}].from`;
        for (const k of ["central", "province", "prefecture"]) box.querySelector(`.o-${k}`).dataset.field = `override[${i}].${k}`;
        ovr.push(x);
      }
    });
    if (ovr.length) o.override = ovr;
    const rg = {};
    const mode = $("regime-mode").value;
    if (mode === "none") rg.cancel_from = "2022-01";
    if (mode === "all") rg.all_direct_from = $("regime-month").value;
    const c = $("regime-county").value;
    if (c) {
      rg.county = { [c]: $("regime-county-never").checked ? "" : $("regime-county-date").value };
      $("regime-county").dataset.field = `regime.county.${c}`;
      $("regime-county-date").dataset.field = `regime.county.${c}`;
    }
    if (Object.keys(rg).length) o.regime = rg;
    const bl = {};
    const sb = served.baseline || {};
    const method = $("idx-method").value;
    const raw = $("idx-value").value.trim();
    const ix = method === "fixed" ? { fixed: true } : { [method]: method === "phase_out_years" && /^\d+$/.test(raw) ? Number(raw) : raw };
    if (!same(ix, sb.indexation || { fixed: true })) bl.indexation = ix;
    const by = [...$("base-years").querySelectorAll("input:checked")].map((x) => Number(x.value));
    if (by.length && !same(by, sb.base_years || [])) bl.base_years = by;
    if (Object.keys(bl).length) o.baseline = bl;
    const pj = {};
    const sp = served.projection || {};
    const through = Number($("through").value);
    if ($("through").value !== "" && through !== sp.through) {
      // the settled years follow the last year, as a scenario file must say both
      pj.through = through;
      const first = meta.years[0];
      o.scenario = { years: Array.from({ length: Math.max(0, through - first + 1) }, (_, k) => first + k) };
    }
    const growth = {};
    const sg = sp.growth || {};
    const gd = $("growth-default").value.trim();
    if (gd !== "" && gd !== sg.default) growth.default = gd;
    document.querySelectorAll("#growth-items .growth").forEach((box) => {
      const k = box.querySelector(".g-item").value;
      const r = box.querySelector(".g-rate").value.trim();
      box.querySelector(".g-rate").dataset.field = `projection.growth.${k}`;
      if (r !== "" && r !== sg[k]) growth[k] = r;
    });
    if (Object.keys(growth).length) pj.growth = growth;
    if (Object.keys(pj).length) o.projection = pj;
    return o;
  }

  /** Marks the control the API's `field` names (or its nearest parent) with the message. */
  function showError(field, message) {
    clearErrors();
    let el = null;
    let f = (field || "").startsWith("scenario.years") ? "projection.through" : field || "";
    for (;;) {
      el = [...document.querySelectorAll("[data-field]")].find((x) => x.dataset.field === f);
      const parent = f.replace(/(\.[^.[\]]*|\[\d+\])$/, "");
      if (el || !f || parent === f) break;
      f = parent;
    }
    if (!el) return false;
    el.classList.add("invalid");
    const span = document.createElement("span");
    span.className = "field-error";
    span.textContent = `${field}: ${message}`;
    el.insertAdjacentElement("afterend", span);
    return true;
  }

  function clearErrors() {
    document.querySelectorAll(".invalid").forEach((x) => x.classList.remove("invalid"));
    document.querySelectorAll(".field-error").forEach((x) => x.remove());
  }

  return { build, set, read, showError, clearErrors };
})();
