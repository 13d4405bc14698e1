'use strict';
// Number formats and PASS/FAIL marks shared by the report sections.

function fmtRate(x) {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
}

function fmtRatio(x, digits = 1) {
  return Number.isFinite(x) ? `${x.toFixed(digits)}×` : '—';
}

function fmtPct(x) {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '—';
}

function mark(ok) {
  if (ok === null) return 'n/a';
  return ok ? 'PASS' : 'FAIL';
}

module.exports = { fmtRate, fmtRatio, fmtPct, mark };
