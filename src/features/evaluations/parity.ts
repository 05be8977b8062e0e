/** A "nice" step (1, 2 or 5 × 10^k) near `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
}

export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

/**
 * One axis for both measured and predicted values, so the plot is square and y = x is its
 * diagonal: the range of every value, widened to whole tick steps.
 */
export function parityAxis(values: number[], tickCount = 6): Axis {
  const finite = values.filter(Number.isFinite);
  // Reduced, not spread: a dataset of a few hundred thousand rows would overflow the call stack.
  let lo = finite.length ? finite.reduce((m, v) => Math.min(m, v), Infinity) : 0;
  let hi = finite.length ? finite.reduce((m, v) => Math.max(m, v), -Infinity) : 1;
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep((hi - lo) / (tickCount - 1));
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounding to the step's decimals keeps labels like 0.30000000000000004 out.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toFixed(decimals)));
  return { lo, hi, ticks };
}

export function tickLabel(t: number): string {
  return Number.isInteger(t) ? String(t) : String(Number(t.toFixed(6)));
}
