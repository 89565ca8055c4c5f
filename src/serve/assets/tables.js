// Tables of the page: one builder (sortable headers, clickable rows) and the province,
// prefecture, county and totals tables. Rows come from the API's tables; money is summed
// exactly in fen (money.js) when a table shows all years.
"use strict";

const Tables = (() => {
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

  /** Cell text and sort key of a value of column `c` for the view `v` ({unit}). */
  function cell(c, raw, v) {
    if (c.money) {
      const f = typeof raw === "bigint" ? raw : Money.fen(raw);
      return { text: Money.text(f, c.perHead ? "yuan" : v.unit), key: f === null ? null : Number(f), neg: f !== null && f < 0n };
    }
    if (c.num) {
      const x = raw === null || raw === undefined || raw === "" ? null : Number(raw);
      return { text: x === null ? "" : c.digits !== undefined ? x.toFixed(c.digits) : String(x), key: x, neg: x !== null && x < 0 };
    }
    return { text: raw ?? "", key: String(raw ?? ""), neg: false };
  }

  /**
   * Renders `rows` into `el`. cols: [{key, label, money?, perHead?, num?, digits?}].
   * opts: {view, sort: {key, dir}, onSort(key), onClick(row), rowCode(row), selected, totals: [row]}.
   */
  function render(el, cols, rows, opts) {
    const v = opts.view;
    let sorted = rows;
    if (opts.sort && opts.sort.key) {
      const c = cols.find((c) => c.key === opts.sort.key);
      if (c) {
        const dir = opts.sort.dir === "asc" ? 1 : -1;
        sorted = rows.slice().sort((a, b) => {
          const x = cell(c, a[c.key], v).key, y = cell(c, b[c.key], v).key;
          if (x === y) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * dir;
        });
      }
    }
    const head = cols.map((c) => {
      const cls = [opts.onSort ? "sortable" : "", opts.sort && opts.sort.key === c.key ? `sorted-${opts.sort.dir}` : ""].join(" ");
      return `<th class="${cls}" data-key="${c.key}">${c.label}${c.money ? `<br><span class="en">${c.perHead ? "元" : Money.UNITS[v.unit].label}</span>` : ""}</th>`;
    }).join("");
    const line = (r, cls) => {
      const code = opts.rowCode ? opts.rowCode(r) : "";
      const sel = code && code === opts.selected ? " selected" : "";
      const tds = cols.map((c) => {
        const x = cell(c, r[c.key], v);
        const k = (c.money || c.num ? "num" : "") + (x.neg ? " neg" : "");
        return `<td class="${k}" data-col="${c.key}">${esc(x.text)}</td>`;
      }).join("");
      return `<tr class="${cls}${sel}" data-code="${esc(code)}">${tds}</tr>`;
    };
    const body = (opts.totals || []).map((r) => line(r, "total")).join("")
      + sorted.map((r) => line(r, opts.onClick ? "click" : "")).join("");
    el.innerHTML = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    if (opts.onSort) {
      el.querySelectorAll("th").forEach((th) => th.addEventListener("click", () => opts.onSort(th.dataset.key)));
    }
    if (opts.onClick) {
      el.querySelectorAll("tbody tr.click").forEach((tr) => tr.addEventListener("click", () => opts.onClick(tr.dataset.code)));
    }
  }

  /** Sums the money columns of `rows` (exact, fen) into one row carrying `fixed` keys. */
  function sumRows(rows, cols, fixed) {
    const out = Object.assign({}, fixed);
    for (const c of cols) {
      if (c.money && !c.perHead) {
        const s = Money.sum(rows.map((r) => r[c.key]));
        out[c.key] = s;
      } else if (c.sum) {
        out[c.key] = rows.reduce((a, r) => a + (Number(r[c.key]) || 0), 0);
      }
    }
    return out;
  }

  const PROVINCE = [
    { key: "fiscal_year", label: "年度 year" },
    { key: "collected", label: "收入合计 collected", money: true },
    { key: "to_central", label: "上划中央 central", money: true },
    { key: "to_province", label: "省级 province", money: true },
    { key: "prefectures_available", label: "市可用财力 prefectures", money: true },
    { key: "counties_available", label: "县可用财力 counties", money: true },
    { key: "base_flow", label: "基数净额 base flow", money: true },
    { key: "projected", label: "预测 projected" },
  ];

  function province(el, data, v) {
    const rows = data.province.map((r) => Object.assign({}, r, { projected: r.projected ? "是 yes" : "" }));
    const total = sumRows(data.province, PROVINCE, { fiscal_year: "合计 all years", projected: "" });
    render(el, PROVINCE, rows, { view: v, totals: [total], rowCode: (r) => String(r.fiscal_year), selected: String(v.year) });
  }

  const PREFECTURES = [
    { key: "prefecture_code", label: "代码 code" },
    { key: "prefecture_name", label: "市 prefecture" },
    { key: "proper_available", label: "市本级可用财力 proper available", money: true },
    { key: "counties_available", label: "所辖县可用财力 counties available", money: true },
    { key: "delta_proper", label: "市本级变化 Δ proper", money: true },
    { key: "delta_counties", label: "所辖县变化 Δ counties", money: true },
    { key: "delta_total", label: "全市变化 Δ total", money: true },
    { key: "delta_total_per_capita", label: "人均 Δ per head", money: true, perHead: true },
  ];

  /** One row per prefecture for the year (or summed over all years). */
  function prefectureRows(data, v) {
    const inYear = (r) => v.year === "all" || r.fiscal_year === v.year;
    const byPref = new Map();
    for (const r of data.comparison_prefectures.filter(inYear)) {
      const p = byPref.get(r.prefecture_code) || { prefecture_code: r.prefecture_code, prefecture_name: r.prefecture_name, rows: [], proper: [], counties: [] };
      p.rows.push(r);
      byPref.set(r.prefecture_code, p);
    }
    for (const s of data.settlement.filter(inYear)) {
      const p = byPref.get(s.prefecture_code);
      if (!p) continue;
      (s.kind === "prefecture" ? p.proper : p.counties).push(s.available);
    }
    return [...byPref.values()].map((p) => ({
      prefecture_code: p.prefecture_code,
      prefecture_name: p.prefecture_name,
      proper_available: Money.sum(p.proper),
      counties_available: Money.sum(p.counties),
      delta_proper: Money.sum(p.rows.map((r) => r.delta_proper)),
      delta_counties: Money.sum(p.rows.map((r) => r.delta_counties)),
      delta_total: Money.sum(p.rows.map((r) => r.delta_total)),
      delta_total_per_capita: Money.sum(p.rows.map((r) => r.delta_total_per_capita)),
    }));
  }

  function prefectures(el, data, v) {
    const rows = prefectureRows(data, v);
    const total = sumRows(rows, PREFECTURES, { prefecture_code: "", prefecture_name: "全省 all" });
    render(el, PREFECTURES, rows, { view: v, totals: [total] });
  }

  const COUNTIES = [
    { key: "region_code", label: "代码 code" },
    { key: "region_name", label: "县 county" },
    { key: "prefecture_name", label: "市 prefecture" },
    { key: "regime", label: "管理 regime" },
    { key: "collected", label: "收入合计 collected", money: true },
    { key: "to_prefecture", label: "上划市级 to prefecture", money: true },
    { key: "retained", label: "本级收入 retained", money: true },
    { key: "base_paid", label: "体制上解 base paid", money: true },
    { key: "base_received", label: "体制补助 base received", money: true },
    { key: "subsidy_received", label: "市对县补助 subsidy", money: true },
    { key: "available", label: "可用财力 available", money: true },
    { key: "available_per_capita", label: "人均可用财力 per head", money: true, perHead: true },
    { key: "available_reference", label: "基准可用财力 reference", money: true },
    { key: "delta", label: "变化 Δ", money: true },
    { key: "delta_per_capita", label: "人均变化 Δ per head", money: true, perHead: true },
    { key: "retention", label: "留成率 share kept", num: true, digits: 3 },
  ];

  /** County rows (settlement joined with comparison) for the year or summed over years. */
  function countyRows(data, v, names) {
    const inYear = (r) => v.year === "all" || r.fiscal_year === v.year;
    const cmp = new Map();
    for (const c of data.comparison.filter(inYear)) {
      if (c.kind !== "county") continue;
      const a = cmp.get(c.region_code) || [];
      a.push(c);
      cmp.set(c.region_code, a);
    }
    const by = new Map();
    for (const s of data.settlement.filter(inYear)) {
      if (s.kind !== "county") continue;
      const a = by.get(s.region_code) || [];
      a.push(s);
      by.set(s.region_code, a);
    }
    const rows = [];
    for (const [code, ss] of by) {
      const cs = cmp.get(code) || [];
      const one = ss.length === 1;
      const pick = (rs, k) => (one ? rs[0]?.[k] ?? null : Money.sum(rs.map((r) => r[k])));
      const r = {
        region_code: code,
        region_name: ss[0].region_name,
        prefecture_name: names.get(ss[0].prefecture_code) || "",
        regime: one ? ss[0].regime : "",
        retention: one && cs[0] ? cs[0].retention : null,
      };
      for (const k of ["collected", "to_prefecture", "retained", "base_paid", "base_received", "subsidy_received", "available", "available_per_capita"]) r[k] = pick(ss, k);
      for (const k of ["available_reference", "delta", "delta_per_capita"]) r[k] = pick(cs, k);
      rows.push(r);
    }
    return rows;
  }

  function counties(el, data, v, names, handlers) {
    const q = (v.q || "").trim().toLowerCase();
    const rows = countyRows(data, v, names).filter((r) => !q || r.region_code.includes(q) || r.region_name.toLowerCase().includes(q) || r.prefecture_name.includes(q));
    render(el, COUNTIES, rows, {
      view: v, sort: v.sort, onSort: handlers.onSort, onClick: handlers.onClick,
      rowCode: (r) => r.region_code, selected: v.region,
    });
  }

  const TOTALS = [
    { key: "region_code", label: "代码 code" },
    { key: "region_name", label: "地区 region" },
    { key: "kind", label: "类别 kind" },
    { key: "delta_sum", label: "累计变化 Δ summed", money: true },
    { key: "delta_present_value", label: "贴现值 present value", money: true },
    { key: "break_even_year", label: "回本年度 break-even", num: true },
  ];

  function totals(el, data, v) {
    const kinds = ["county", "prefecture"].map((k) => {
      const rows = data.comparison_totals.filter((r) => r.kind === k);
      return sumRows(rows, TOTALS, { region_code: "", region_name: k === "county" ? "各县合计 counties" : "各市本级合计 prefectures proper", kind: k });
    });
    render(el, TOTALS, data.comparison_totals, { view: v, sort: { key: "delta_sum", dir: "desc" }, totals: kinds });
  }

  return { esc, render, province, prefectures, prefectureRows, counties, countyRows, totals };
})();
