// Charts of the page, drawn with Apache ECharts (vendored, see README.md): the province by
// level, the change by year, the largest gains and losses, income groups, retention,
// weighted gaps, the Lorenz curve and the schematic tile map of the counties.
"use strict";

const Charts = (() => {
  const charts = new Map();
  const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"];

  function chart(id) {
    if (!charts.has(id)) {
      const el = document.getElementById(id);
      charts.set(id, echarts.init(el, null, { renderer: "canvas" }));
    }
    return charts.get(id);
  }

  function resizeAll() {
    for (const c of charts.values()) c.resize();
  }

  const yearsOf = (data) => data.province.map((r) => r.fiscal_year);
  const unitLabel = (v) => Money.UNITS[v.unit].label;
  const base = (v) => ({
    color: COLORS,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, type: "scroll" },
    grid: { left: 10, right: 20, top: 30, bottom: 30, containLabel: true },
  });

  function province(data, v) {
    const levels = [["to_central", "中央 central"], ["to_province", "省 province"], ["prefectures_available", "市 prefectures"], ["counties_available", "县 counties"]];
    const years = yearsOf(data);
    chart("chart-province").setOption(Object.assign(base(v), {
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", name: unitLabel(v) },
      series: levels.map(([k, name]) => ({
        name, type: "bar", stack: "all",
        data: data.province.map((r) => ({
          value: Money.value(Money.fen(r[k]), v.unit),
          itemStyle: { opacity: v.year === "all" || r.fiscal_year === v.year ? 1 : 0.45 },
        })),
      })),
    }), true);
  }

  function deltaYears(data, v) {
    const s = data.comparison_summary;
    chart("chart-delta-years").setOption(Object.assign(base(v), {
      xAxis: { type: "category", data: s.map((r) => String(r.fiscal_year)) },
      yAxis: [{ type: "value", name: unitLabel(v) }, { type: "value", name: "县数 counties", splitLine: { show: false } }],
      series: [
        { name: "县 Δ counties", type: "bar", data: s.map((r) => Money.value(Money.fen(r.delta_counties), v.unit)) },
        { name: "市 Δ prefectures", type: "bar", data: s.map((r) => Money.value(Money.fen(r.delta_prefectures), v.unit)) },
        { name: "省 Δ province", type: "bar", data: s.map((r) => Money.value(Money.fen(r.delta_province), v.unit)) },
        { name: "得 winners", type: "line", yAxisIndex: 1, data: s.map((r) => r.winners) },
        { name: "失 losers", type: "line", yAxisIndex: 1, data: s.map((r) => r.losers) },
      ],
    }), true);
  }

  function top(rows, v) {
    const withDelta = rows.filter((r) => r.delta !== null && r.delta !== undefined);
    const f = (r) => (typeof r.delta === "bigint" ? r.delta : Money.fen(r.delta));
    const sorted = withDelta.slice().sort((a, b) => (f(a) < f(b) ? 1 : f(a) > f(b) ? -1 : 0));
    const pick = sorted.slice(0, 8).concat(sorted.length > 16 ? sorted.slice(-8) : sorted.slice(8));
    const shown = pick.filter((r) => f(r) !== 0n).reverse();
    chart("chart-top").setOption(Object.assign(base(v), {
      title: { text: `得失最大的县 largest changes (${v.year === "all" ? "全部年度 all years" : v.year})`, textStyle: { fontSize: 12 }, left: "center" },
      legend: { show: false },
      grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: "value", name: unitLabel(v) },
      yAxis: { type: "category", data: shown.map((r) => r.region_name) },
      series: [{ type: "bar", data: shown.map((r) => ({ value: Money.value(f(r), v.unit), itemStyle: { color: f(r) < 0n ? "#e15759" : "#59a14f" } })) }],
    }), true);
  }

  const groupYear = (data, v) => (v.year === "all" ? data.years[data.years.length - 1] : v.year);

  function groups(data, v) {
    const y = groupYear(data, v);
    const rows = data.comparison_groups.filter((r) => r.fiscal_year === y);
    chart("chart-groups").setOption(Object.assign(base(v), {
      title: { text: `${y}（按 ${data.groups_year} 年人均本级收入分五组 groups by ${data.groups_year} revenue per head）`, textStyle: { fontSize: 11 }, left: "center", top: 0 },
      legend: { show: false },
      grid: { left: 10, right: 20, top: 50, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => `${r.group}（${r.counties} 县）`) },
      yAxis: { type: "value", name: "元/人 per head" },
      series: [{ type: "bar", data: rows.map((r) => Money.value(Money.fen(r.delta_per_capita), "yuan")) }],
    }), true);
  }

  function median(xs) {
    const a = xs.filter((x) => x !== null && x !== undefined).map(Number).sort((p, q) => p - q);
    if (!a.length) return null;
    const m = Math.floor(a.length / 2);
    return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
  }

  function retention(data, v) {
    const years = data.years;
    const cty = data.comparison.filter((r) => r.kind === "county");
    const med = (k) => years.map((y) => median(cty.filter((r) => r.fiscal_year === y).map((r) => r[k])));
    chart("chart-retention").setOption(Object.assign(base(v), {
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", min: 0, max: 1 },
      series: [
        { name: "基准 reference", type: "line", data: med("retention_reference") },
        { name: "情景 scenario", type: "line", data: med("retention") },
      ],
    }), true);
  }

  function gaps(data, v) {
    const s = data.comparison_summary;
    const line = (k, name, dashed) => ({ name, type: "line", data: s.map((r) => r[k]), lineStyle: dashed ? { type: "dashed" } : {} });
    chart("chart-gaps").setOption(Object.assign(base(v), {
      xAxis: { type: "category", data: s.map((r) => String(r.fiscal_year)) },
      yAxis: { type: "value", scale: true },
      series: [
        line("gini_weighted_reference", "Gini 基准 reference", true), line("gini_weighted", "Gini 情景 scenario"),
        line("theil_weighted_reference", "Theil 基准 reference", true), line("theil_weighted", "Theil 情景 scenario"),
      ],
    }), true);
  }

  function lorenz(data, v) {
    const y = groupYear(data, v);
    const l = (data.lorenz || []).find((r) => r.fiscal_year === y) || { scenario: [], reference: [] };
    chart("chart-lorenz").setOption(Object.assign(base(v), {
      title: { text: String(y), textStyle: { fontSize: 11 }, right: 10, top: 20 },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", min: 0, max: 1, name: "县人口累计 residents" },
      yAxis: { type: "value", min: 0, max: 1, name: "可用财力累计 resources" },
      series: [
        { name: "均等 equality", type: "line", data: [[0, 0], [1, 1]], symbol: "none", lineStyle: { color: "#aaa", type: "dotted" } },
        { name: "基准 reference", type: "line", data: l.reference, symbol: "none", lineStyle: { type: "dashed" } },
        { name: "情景 scenario", type: "line", data: l.scenario, symbol: "none" },
      ],
    }), true);
  }

  /** A prefecture proper (市本级): its code ends in 00; drawn with a thick border. */
  const proper = (code) => code.endsWith("00");
  /** A cell's label: the name without 县/市 (三门峡市 → 三门峡, 新乡县 → 新乡, 嵩县 stays). */
  const short = (name) => (name.length > 2 && /[县市]$/.test(name) ? name.slice(0, -1) : name);

  /** The tile map: one cell per tile of tiles.json, coloured by `values` (code → number). */
  function map(tiles, values, label, onClick) {
    const data = tiles.tiles.map((t) => [t.col, t.row, values.get(t.code) ?? null, t.name, t.code]);
    const xs = data.map((d) => d[2]).filter((x) => x !== null);
    const lim = Math.max(1e-9, ...xs.map(Math.abs));
    const c = chart("map");
    c.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { formatter: (p) => `${p.data[3]} ${p.data[4]}<br>${label}: ${p.data[2] === null ? "—" : p.data[2].toLocaleString("zh-CN", { maximumFractionDigits: 3 })}` },
      visualMap: { min: -lim, max: lim, dimension: 2, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        itemWidth: 12, text: ["+", "−"], inRange: { color: ["#c0392b", "#f4d6cf", "#f7f7f7", "#cfe3f0", "#2c7bb6"] } },
      grid: { left: 4, right: 4, top: 4, bottom: 50 },
      xAxis: { type: "value", min: -0.5, max: tiles.cols - 0.5, show: false },
      yAxis: { type: "value", min: -0.5, max: tiles.rows - 0.5, inverse: true, show: false },
      series: [{
        type: "custom", data,
        renderItem: (params, api) => {
          const p = api.coord([api.value(0), api.value(1)]);
          const s = api.size([1, 1]);
          const w = Math.min(s[0], s[1]) * 0.94;
          return {
            type: "group",
            children: [
              { type: "rect", shape: { x: p[0] - w / 2, y: p[1] - w / 2, width: w, height: w, r: 2 },
                style: { fill: api.visual("color"), stroke: proper(data[params.dataIndex][4]) ? "#333" : "#999",
                  lineWidth: proper(data[params.dataIndex][4]) ? 2 : 0.5 } },
              { type: "text", style: { text: short(data[params.dataIndex][3]), x: p[0], y: p[1],
                align: "center", verticalAlign: "middle", fontSize: Math.max(7, Math.min(12, w / 3.2)),
                fontWeight: proper(data[params.dataIndex][4]) ? "bold" : "normal", fill: "#222" } },
            ],
          };
        },
        encode: { x: 0, y: 1, tooltip: 2 },
      }],
    }, true);
    c.off("click");
    c.on("click", (p) => onClick(p.data[4]));
  }

  return { province, deltaYears, top, groups, retention, gaps, lorenz, map, resizeAll };
})();
