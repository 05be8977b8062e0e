/**
 * Gradient-boosted regression trees (squared loss, histogram splits), small enough to read and
 * deterministic for a seed: the same rows, parameters and seed give the same trees, so a trained
 * model can be rebuilt anywhere instead of being shipped in the repository.
 */

export interface BoostingParams {
  /** Boosting rounds (trees). */
  trees: number;
  /** Depth of each tree (a depth-d tree has up to 2^d leaves). */
  maxDepth: number;
  /** Shrinkage of each tree's contribution. */
  learningRate: number;
  /** Fewest training rows in a leaf. */
  minLeaf: number;
  /** Fraction of rows each tree is grown on (drawn without replacement). */
  subsample: number;
  /** Fraction of features each tree may split on. */
  colsample: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Most histogram bins per feature (≤ 256). */
  bins: number;
  seed: number;
}

/** One tree as parallel arrays; node i is a leaf when feature[i] = -1. `x[feature] <= threshold` goes left. */
export interface PackedTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface BoostedTrees {
  kind: 'gradient-boosted-trees';
  featureCount: number;
  base: number;
  trees: PackedTree[];
}

/** A small, fast, seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Split candidates of one feature: up to `bins - 1` thresholds at its quantiles. */
function thresholdsOf(column: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= bins) return distinct.slice(0, -1).map((v, i) => (v + distinct[i + 1]) / 2);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.floor((b * sorted.length) / bins)];
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  // A threshold equal to the largest value would put every row left.
  while (edges.length && edges[edges.length - 1] >= sorted[sorted.length - 1]) edges.pop();
  return edges;
}

/** Index of the first threshold ≥ x (x ≤ thresholds[b] ⇔ bin ≤ b). */
function binOf(thresholds: number[], x: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= thresholds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkParams(p: BoostingParams): void {
  const ok =
    Number.isInteger(p.trees) && p.trees >= 1 &&
    Number.isInteger(p.maxDepth) && p.maxDepth >= 1 && p.maxDepth <= 12 &&
    p.learningRate > 0 && p.learningRate <= 1 &&
    Number.isInteger(p.minLeaf) && p.minLeaf >= 1 &&
    p.subsample > 0 && p.subsample <= 1 &&
    p.colsample > 0 && p.colsample <= 1 &&
    p.lambda >= 0 &&
    Number.isInteger(p.bins) && p.bins >= 2 && p.bins <= 256;
  if (!ok) throw new Error(`unusable boosting parameters: ${JSON.stringify(p)}`);
}

/** Fits boosted trees to rows `x` (all of one length) and targets `y`. */
export function trainBoostedTrees(x: ArrayLike<number>[], y: ArrayLike<number>, params: BoostingParams): BoostedTrees {
  checkParams(params);
  const n = x.length;
  if (n < 2 || y.length !== n) throw new Error(`boosting needs at least 2 rows with a target each; got ${n} rows and ${y.length} targets`);
  const p = x[0].length;
  const random = seededRandom(params.seed);
  const thresholds: number[][] = [];
  const binned = new Uint8Array(n * p); // column-major: binned[j * n + i]
  const column = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i][j];
    const t = thresholdsOf(column, params.bins);
    thresholds.push(t);
    for (let i = 0; i < n; i++) binned[j * n + i] = binOf(t, column[i]);
  }
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i];
  base /= n;
  const prediction = new Float64Array(n).fill(base);
  const gradient = new Float64Array(n);
  const histSum = new Float64Array(256);
  const histCount = new Int32Array(256);
  const trees: PackedTree[] = [];

  for (let t = 0; t < params.trees; t++) {
    for (let i = 0; i < n; i++) gradient[i] = prediction[i] - y[i];
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (random() < params.subsample) rows.push(i);
    const features: number[] = [];
    for (let j = 0; j < p; j++) if (thresholds[j].length > 0 && random() < params.colsample) features.push(j);
    const tree: PackedTree = { feature: [], threshold: [], left: [], right: [], value: [] };

    const grow = (nodeRows: Int32Array, depth: number): number => {
      const id = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      const m = nodeRows.length;
      let g = 0;
      for (let k = 0; k < m; k++) g += gradient[nodeRows[k]];
      tree.value[id] = m > 0 ? (-g / (m + params.lambda)) * params.learningRate : 0;
      if (depth >= params.maxDepth || m < 2 * params.minLeaf) return id;
      const parentScore = (g * g) / (m + params.lambda);
      let bestGain = 1e-12;
      let bestFeature = -1;
      let bestBin = -1;
      for (const j of features) {
        const bins = thresholds[j].length + 1;
        histSum.fill(0, 0, bins);
        histCount.fill(0, 0, bins);
        const offset = j * n;
        for (let k = 0; k < m; k++) {
          const r = nodeRows[k];
          const b = binned[offset + r];
          histSum[b] += gradient[r];
          histCount[b]++;
        }
        let gl = 0;
        let cl = 0;
        for (let b = 0; b < bins - 1; b++) {
          gl += histSum[b];
          cl += histCount[b];
          const cr = m - cl;
          if (cl < params.minLeaf) continue;
          if (cr < params.minLeaf) break;
          const gr = g - gl;
          const gain = (gl * gl) / (cl + params.lambda) + (gr * gr) / (cr + params.lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = j;
            bestBin = b;
          }
        }
      }
      if (bestFeature < 0) return id;
      const offset = bestFeature * n;
      let leftCount = 0;
      for (let k = 0; k < m; k++) if (binned[offset + nodeRows[k]] <= bestBin) leftCount++;
      const leftRows = new Int32Array(leftCount);
      const rightRows = new Int32Array(m - leftCount);
      for (let k = 0, a = 0, c = 0; k < m; k++) {
        const r = nodeRows[k];
        if (binned[offset + r] <= bestBin) leftRows[a++] = r;
        else rightRows[c++] = r;
      }
      tree.feature[id] = bestFeature;
      tree.threshold[id] = thresholds[bestFeature][bestBin];
      tree.left[id] = grow(leftRows, depth + 1);
      tree.right[id] = grow(rightRows, depth + 1);
      return id;
    };

    if (rows.length >= 2) grow(Int32Array.from(rows), 0);
    else grow(Int32Array.from([]), params.maxDepth);
    trees.push(tree);
    for (let i = 0; i < n; i++) prediction[i] += treeValue(tree, x[i]);
  }
  return { kind: 'gradient-boosted-trees', featureCount: p, base, trees };
}

function treeValue(tree: PackedTree, x: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

/** The model's prediction for one row. */
export function predictBoostedTrees(model: BoostedTrees, x: ArrayLike<number>): number {
  if (x.length !== model.featureCount) throw new Error(`the model takes ${model.featureCount} features, got ${x.length}`);
  let sum = model.base;
  for (const tree of model.trees) sum += treeValue(tree, x);
  return sum;
}
