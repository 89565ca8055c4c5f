// The explain panel: the JSON of `fencheng explain --format json` for one region-year
// (POST /api/v1/explain), drawn as its lines. Amounts are shown in yuan to the fen, as the
// explanation gives them, so that each block adds up on screen.
"use strict";

const Explain = (() => {
  const e = (s) => Tables.esc(s);
  const y = (s) => (s === null || s === undefined ? "" : Money.text(Money.fen(s), "yuan"));
  const num = (s) => `<td class="num">${y(s)}</td>`;
  const months = (m) => (m && m.length ? (m.length === 12 ? "1–12" : m.join(",")) : "—");

  function lines(x) {
    const rows = x.lines.map((l) => `<tr><td>${e(l.item)}</td><td>${e(l.item_name)}</td><td>${e(l.level)}</td><td>${months(l.months)}</td>`
      + `${num(l.split.collected)}${num(l.split.to_central)}${num(l.split.to_province)}${num(l.split.to_prefecture)}${num(l.split.retained)}`
      + `${num(l.prefecture_if_managed)}<td>${e(l.how)}${l.rule_changed ? " ⚑" : ""}</td></tr>`).join("");
    const t = x.totals;
    return `<h3>收入去向 <span class="en">where the revenue went (元)</span></h3><div class="scroll"><table>
      <thead><tr><th>科目 item</th><th>名称 name</th><th>级次 level</th><th>月份 months</th><th>收入 collected</th><th>中央 central</th>
      <th>省 province</th><th>市 prefecture</th><th>本级 retained</th><th>原体制市级 old-rule prefecture</th><th>分成 how</th></tr></thead>
      <tbody><tr class="total"><td colspan="4">合计 total</td>${num(t.collected)}${num(t.to_central)}${num(t.to_province)}${num(t.to_prefecture)}${num(t.retained)}<td></td><td></td></tr>${rows}</tbody></table></div>`;
  }

  function base(b) {
    if (!b) return "";
    const years = b.base_years.map((r) => `<tr><td>${r.year}</td>${num(r.prefecture_share)}${num(r.subsidy)}</tr>`).join("");
    const steps = b.steps.map((s) => `<tr><td>${s.year}</td>${num(s.due)}${num(s.settled_due)}<td>${e(s.how)}</td></tr>`).join("");
    return `<h3>划转基数 <span class="en">transfer baseline: direct since ${e(b.direct_since)}, ${e(b.source)}, ${e(b.method)}</span></h3>
      <p class="note">共享基数 shared base ${y(b.shared_base)} − 补助基数 subsidy base ${y(b.subsidy_base)} = 净基数 net base ${y(b.net_base)}；本年应缴 due this year ${y(b.due)} 元</p>
      <div class="grid2"><table><thead><tr><th>基期 base year</th><th>市级分成 prefecture's part</th><th>补助 subsidy</th></tr></thead><tbody>${years}</tbody></table>
      <table><thead><tr><th>年度 year</th><th>应缴 due</th><th>结算 settled</th><th>递增 how</th></tr></thead><tbody>${steps}</tbody></table></div>`;
  }

  function counties(cs) {
    if (!cs || !cs.length) return "";
    const rows = cs.map((c) => `<tr><td>${e(c.county)}</td><td>${e(c.name)}</td>${num(c.to_prefecture)}${num(c.base_due)}${num(c.base_received)}${num(c.base_paid)}${num(c.subsidy)}</tr>`).join("");
    return `<h3>与所辖县 <span class="en">flows with its counties (元)</span></h3><div class="scroll"><table><thead><tr><th>县 county</th><th></th><th>上划市级 to prefecture</th>
      <th>基数应缴 base due</th><th>体制补助 base received</th><th>体制上解 base paid</th><th>补助 subsidy</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  }

  function settlement(s, sub) {
    const terms = [
      ["本级收入 retained", s.retained, "+"], ["自所属县上划 from counties", s.from_counties, "+"], ["返还性收入 rebates", s.rebates, "+"],
      ["转移支付 transfers", s.transfers, "+"], ["体制上解 base paid", s.base_paid, "−"], ["体制补助 base received", s.base_received, "+"],
      ["补助支出 subsidy paid", s.subsidy_paid, "−"], ["补助收入 subsidy received", s.subsidy_received, "+"],
    ];
    const rows = terms.map(([k, v, sign]) => `<tr><td>${sign}</td><td>${k}</td>${num(v)}</tr>`).join("");
    const subsidy = sub ? `<p class="note">市对县补助 subsidy: 全年 annual ${y(sub.annual)}${sub.from_row_of ? `（${sub.from_row_of} 年数 held from ${sub.from_row_of}）` : ""} × ${sub.managed_months}/12 = ${y(sub.received)} 元</p>` : "";
    return `<h3>结算 <span class="en">settlement (元)</span></h3>${subsidy}<table class="explain-settlement"><tbody>${rows}
      <tr class="total"><td>=</td><td>可用财力 available</td><td class="num" data-col="available">${y(s.available)}</td></tr>
      <tr><td></td><td>人口 residents / 人均 per head</td><td class="num">${s.population.toLocaleString("zh-CN")} / ${y(s.available_per_capita)}</td></tr></tbody></table>`;
  }

  function html(x) {
    const head = `<p class="note">${e(x.scenario)} · ${e(x.region)} ${e(x.region_name)} (${e(x.kind)}) · ${x.year}${x.projected ? " 预测 projected" : ""}`
      + `${x.prefecture ? ` · 市 prefecture ${e(x.prefecture)}` : ""}${x.regime ? ` · ${e(x.regime)}` : ""}`
      + ` · 市管月份 managed ${months(x.prefecture_managed_months)} · 直管月份 direct ${months(x.direct_months)}</p>`;
    return head + settlement(x.settlement, x.subsidy) + base(x.base) + counties(x.counties) + lines(x);
  }

  return { html };
})();
