/**
 * How numbers read in text: the RunResult's own sentences (SLO violations) and every report
 * use these, so a number prints the same everywhere.
 */

/** 84 → "84 ms", 4800 → "4.8 s", 125000 → "2 min 5 s". */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (Math.abs(ms) < 1000) return `${round(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (Math.abs(s) < 120) return `${round(s, s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

// Built once: toLocaleString with options builds a formatter per call (~80 µs here), which
// a report of 200,000 rollout steps would pay 200,000 times. Same locale, same output.
const WHOLE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 12345 → "12,345"; fractional counts (means) keep one decimal. */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return (Number.isInteger(n) ? WHOLE : ONE_DECIMAL).format(n);
}

/** 0.0025 → "0.25%". */
export function fmtPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  return `${round(p, p === 0 ? 0 : p < 1 ? 2 : p < 10 ? 1 : 0)}%`;
}

export function round(x: number, digits: number): string {
  return Number(x.toFixed(digits)).toString();
}
