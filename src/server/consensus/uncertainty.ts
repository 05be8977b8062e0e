import { AppError } from '../errors';

/**
 * The expected error of a consensus for a given spread of its members, learnt on an evaluation:
 * rows are binned by spread, and each bin keeps the RMSE of the consensus there and the
 * half-width that held `level` of its errors. Both are made non-decreasing in the spread, since a
 * wider disagreement never earns a tighter interval. Stored in a version's `params.uncertainty`.
 */
export interface SpreadCalibration {
  method: 'binned-spread';
  /** Central probability of the stated interval, e.g. 0.9. */
  level: number;
  /** Ascending; a bin holds spreads ≤ its `maxSpread` (and above the previous bin's); the last has `maxSpread: null`. */
  bins: { maxSpread: number | null; n: number; rmse: number; halfWidth: number }[];
  /** Expected error × this when a member says the molecule is outside its applicability domain (1 when not learnt). */
  outOfDomainFactor: number;
  /** What it was learnt on. */
  fittedOn: { n: number; outOfFold: boolean; evaluationId?: string; dataset?: string };
}

/** A calibration row: the consensus error (predicted − measured), the member spread, and whether every member was in domain. */
export interface CalibrationPoint {
  error: number;
  spread: number;
  inDomain?: boolean;
}

/** What a consensus result says about its own error. */
export interface Uncertainty {
  calibrated: boolean;
  /** The RMSE the calibration expects for this spread (output units); null when not calibrated. */
  expectedError: number | null;
  /** value ± the half-width that held `level` of the errors at this spread; null when not calibrated. */
  interval: [number, number] | null;
  level: number | null;
  /** The members' standard deviation the estimate is based on. */
  spread: number;
}

export const DEFAULT_LEVEL = 0.9;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Pool-adjacent-violators: the non-decreasing sequence closest to `ys` (weighted least squares). */
export function monotoneIncreasing(ys: number[], weights: number[]): number[] {
  const blocks: { sum: number; weight: number; count: number }[] = [];
  ys.forEach((y, i) => {
    blocks.push({ sum: y * weights[i], weight: weights[i], count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].weight > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].weight) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1];
      a.sum += b.sum;
      a.weight += b.weight;
      a.count += b.count;
    }
  });
  return blocks.flatMap((b) => new Array<number>(b.count).fill(b.sum / b.weight));
}

/** Splits points sorted by spread into `count` groups of near-equal size, never splitting equal spreads. */
export function spreadBins<T extends { spread: number }>(sorted: T[], count: number): T[][] {
  const groups: T[][] = [];
  let start = 0;
  for (let b = 1; b <= count && start < sorted.length; b++) {
    let end = b === count ? sorted.length : Math.round((b * sorted.length) / count);
    while (end < sorted.length && end > start && sorted[end].spread === sorted[end - 1].spread) end++;
    if (end <= start) continue;
    groups.push(sorted.slice(start, end));
    start = end;
  }
  return groups;
}

/** How many spread bins `n` rows support: about 100 rows a bin, between 1 and 8. */
export function binCountFor(n: number): number {
  return Math.max(1, Math.min(8, Math.floor(n / 100)));
}

const finitePoint = (p: CalibrationPoint) => Number.isFinite(p.error) && Number.isFinite(p.spread) && p.spread >= 0;

/** Learns a spread calibration from evaluation rows (better out of fold: in-sample errors are too small). */
export function fitSpreadCalibration(
  points: CalibrationPoint[],
  o: { level?: number; bins?: number; outOfFold: boolean; evaluationId?: string; dataset?: string },
): SpreadCalibration {
  const level = o.level ?? DEFAULT_LEVEL;
  if (!(level > 0 && level < 1)) throw new AppError('INVALID_INPUT', `the interval's level must be in (0, 1), got ${level}`);
  const used = points.filter(finitePoint).sort((a, b) => a.spread - b.spread);
  if (used.length < 10) throw new AppError('INVALID_INPUT', `calibrating the uncertainty needs at least 10 rows with a consensus value and a spread; got ${used.length}`);
  const groups = spreadBins(used, o.bins ?? binCountFor(used.length));
  const rmse = groups.map((g) => Math.sqrt(g.reduce((s, p) => s + p.error ** 2, 0) / g.length));
  const half = groups.map((g) => quantile(g.map((p) => Math.abs(p.error)).sort((a, b) => a - b), level));
  const weights = groups.map((g) => g.length);
  const rmseUp = monotoneIncreasing(rmse, weights);
  const halfUp = monotoneIncreasing(half, weights);
  const bins = groups.map((g, i) => ({
    maxSpread: i === groups.length - 1 ? null : (g[g.length - 1].spread + groups[i + 1][0].spread) / 2,
    n: g.length,
    rmse: rmseUp[i],
    halfWidth: halfUp[i],
  }));
  return { method: 'binned-spread', level, bins, outOfDomainFactor: outOfDomainFactor(used), fittedOn: { n: used.length, outOfFold: o.outOfFold, evaluationId: o.evaluationId, dataset: o.dataset } };
}

/**
 * RMSE outside the applicability domain over RMSE inside it, when both sides have enough rows to
 * say (20 each) and outside is worse; 1 otherwise, so the factor only ever widens.
 */
function outOfDomainFactor(points: CalibrationPoint[]): number {
  const rms = (ps: CalibrationPoint[]) => Math.sqrt(ps.reduce((s, p) => s + p.error ** 2, 0) / ps.length);
  const inside = points.filter((p) => p.inDomain !== false);
  const outside = points.filter((p) => p.inDomain === false);
  if (inside.length < 20 || outside.length < 20) return 1;
  return Math.max(1, rms(outside) / rms(inside));
}

/** Checks a stored calibration (it comes from params, untyped JSON) and says what is wrong. */
export function validateSpreadCalibration(c: unknown, where = 'params.uncertainty'): asserts c is SpreadCalibration {
  const bad = (why: string): never => {
    throw new AppError('INVALID_INPUT', `${where} ${why}; fit it from an evaluation (evaluations.fit)`);
  };
  if (!c || typeof c !== 'object') bad('must be an object');
  const cal = c as Partial<SpreadCalibration>;
  if (cal.method !== 'binned-spread') bad(`.method must be "binned-spread"`);
  if (!(typeof cal.level === 'number' && cal.level > 0 && cal.level < 1)) bad('.level must be a number in (0, 1)');
  if (!Array.isArray(cal.bins) || cal.bins.length === 0) bad('.bins must be a non-empty array');
  cal.bins!.forEach((b, i) => {
    const last = i === cal.bins!.length - 1;
    if (!(last ? b.maxSpread === null : typeof b.maxSpread === 'number' && Number.isFinite(b.maxSpread))) bad(`.bins[${i}].maxSpread must be ${last ? 'null (the last bin is open)' : 'a finite number'}`);
    for (const k of ['rmse', 'halfWidth'] as const) if (!(typeof b[k] === 'number' && Number.isFinite(b[k]) && b[k] >= 0)) bad(`.bins[${i}].${k} must be a finite number ≥ 0`);
  });
  if (cal.outOfDomainFactor !== undefined && !(typeof cal.outOfDomainFactor === 'number' && cal.outOfDomainFactor >= 1)) bad('.outOfDomainFactor must be a number ≥ 1');
}

/** The bin a spread falls in. */
function binFor(c: SpreadCalibration, spread: number) {
  return c.bins.find((b) => b.maxSpread === null || spread <= b.maxSpread) ?? c.bins[c.bins.length - 1];
}

/** The uncertainty a consensus result carries: calibrated when the version has a calibration, else the spread alone. */
export function estimateUncertainty(c: SpreadCalibration | undefined, value: number, spread: number, inDomain = true): Uncertainty {
  if (!c) return { calibrated: false, expectedError: null, interval: null, level: null, spread };
  const bin = binFor(c, spread);
  const factor = inDomain ? 1 : (c.outOfDomainFactor ?? 1);
  const half = bin.halfWidth * factor;
  return { calibrated: true, expectedError: bin.rmse * factor, interval: [value - half, value + half], level: c.level, spread };
}

/** One bin of a calibration report. */
export interface CalibrationBin {
  n: number;
  spreadFrom: number;
  spreadTo: number;
  meanSpread: number;
  /** What happened: the RMSE and mean |error| of the consensus in the bin. */
  rmse: number;
  mae: number;
  /** What was stated: the mean expected error, and the fraction of rows inside their stated interval. */
  statedError: number | null;
  coverage: number | null;
}

/** Error against spread in bins, and how often the stated interval held the measured value. */
export interface CalibrationReport {
  n: number;
  level: number | null;
  /** Fraction of rows whose measured value lay inside the stated interval (null when none was stated). */
  coverage: number | null;
  /** Spearman rank correlation of spread and |error|: near 0, the spread says little about the error. */
  spearman: number | null;
  bins: CalibrationBin[];
}

function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function spearman(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Reports calibration of rows that carry their stated uncertainty (or none, to see error against spread only). */
export function calibrationReport(rows: (CalibrationPoint & { stated?: Uncertainty | null; value?: number })[], bins?: number): CalibrationReport {
  const used = rows.filter(finitePoint).sort((a, b) => a.spread - b.spread);
  const covered = (r: (typeof used)[number]) => {
    const iv = r.stated?.interval;
    if (!iv || r.value === undefined) return null;
    const measured = r.value - r.error;
    return measured >= iv[0] && measured <= iv[1];
  };
  const coverageOf = (rs: typeof used) => {
    const flags = rs.map(covered).filter((x): x is boolean => x !== null);
    return flags.length ? flags.filter(Boolean).length / flags.length : null;
  };
  const levels = used.map((r) => r.stated?.level).filter((l): l is number => typeof l === 'number');
  return {
    n: used.length,
    level: levels.length ? levels[0] : null,
    coverage: coverageOf(used),
    spearman: spearman(used.map((r) => r.spread), used.map((r) => Math.abs(r.error))),
    bins: spreadBins(used, bins ?? Math.max(1, Math.min(5, Math.floor(used.length / 40)))).map((g) => {
      const stated = g.map((r) => r.stated?.expectedError).filter((e): e is number => typeof e === 'number');
      return {
        n: g.length,
        spreadFrom: g[0].spread,
        spreadTo: g[g.length - 1].spread,
        meanSpread: g.reduce((s, r) => s + r.spread, 0) / g.length,
        rmse: Math.sqrt(g.reduce((s, r) => s + r.error ** 2, 0) / g.length),
        mae: g.reduce((s, r) => s + Math.abs(r.error), 0) / g.length,
        statedError: stated.length ? stated.reduce((s, e) => s + e, 0) / stated.length : null,
        coverage: coverageOf(g),
      };
    }),
  };
}
