// Money on the page: the API sends yuan as strings with 2 decimals ("-1234.56"), exactly
// as the CSV writes them. They are parsed to integer fen (BigInt), summed exactly, and
// shown in the chosen unit rounded half away from zero (四舍五入), as the reports do.
"use strict";

const Money = (() => {
  const UNITS = {
    yuan: { label: "元", fen: 100n },
    wan: { label: "万元", fen: 1000000n },
    yi: { label: "亿元", fen: 10000000000n },
  };

  /** "-1234.56" → -123456n (fen); null or "" → null. */
  function fen(s) {
    if (s === null || s === undefined || s === "") return null;
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s));
    if (!m) throw new Error(`not an amount in yuan: ${s}`);
    const v = BigInt(m[2]) * 100n + BigInt((m[3] || "0").padEnd(2, "0"));
    return m[1] ? -v : v;
  }

  /** Exact sum of yuan strings (nulls skipped); null when every one is null. */
  function sum(values) {
    let total = null;
    for (const s of values) {
      const f = fen(s);
      if (f !== null) total = (total ?? 0n) + f;
    }
    return total;
  }

  /** Integer division rounded half away from zero. */
  function roundDiv(a, b) {
    const neg = (a < 0n) !== (b < 0n);
    const q = (2n * (a < 0n ? -a : a) + (b < 0n ? -b : b)) / (2n * (b < 0n ? -b : b));
    return neg ? -q : q;
  }

  function thousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /** Fen in the unit with 2 decimals and thousands separators; "" for null. */
  function text(f, unit) {
    if (f === null || f === undefined) return "";
    const hundredths = roundDiv(f * 100n, UNITS[unit].fen);
    const neg = hundredths < 0n;
    const a = neg ? -hundredths : hundredths;
    const whole = thousands((a / 100n).toString());
    const frac = (a % 100n).toString().padStart(2, "0");
    return `${neg && a !== 0n ? "-" : ""}${whole}.${frac}`;
  }

  /** For placing a mark on a chart only: fen in the unit as a float. */
  function value(f, unit) {
    if (f === null || f === undefined) return null;
    return Number(f) / Number(UNITS[unit].fen);
  }

  return { UNITS, fen, sum, text, value, roundDiv };
})();
