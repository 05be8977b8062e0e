/**
 * The gateway's input limits, each set by an environment variable, read when used (so a test or
 * an operator can change one without a restart of the code that reads it). docs/limits.md lists them.
 */

export interface InputLimits {
  /** Longest SMILES accepted, in characters. */
  smilesLength: number;
  /** Most atoms in one molecule (SMILES: counted by a tokenizer; MOL block: its counts line). */
  atoms: number;
  /** Most ring-closure bonds in one SMILES. */
  ringClosures: number;
  /** Longest MOL block accepted, in characters. */
  molblockLength: number;
  /** Deepest nesting of arrays and objects in an arbitrary JSON value (inputs, schemas, examples). */
  jsonDepth: number;
  /** Largest model input item or example, as JSON text. */
  inputBytes: number;
  /** Largest input or output JSON Schema, as JSON text. */
  schemaBytes: number;
  /** Longest timeout a model version may ask for. */
  maxTimeoutMs: number;
}

export interface ChemPoolSettings {
  threads: number;
  /** Chemistry time one request may use; more is refused with a message saying to split it. */
  budgetMs: number;
  /** Longest RDKit may work on one molecule before its thread is replaced and the item refused. */
  itemTimeoutMs: number;
}

export interface DepictSettings {
  /** Depictions per second per client, and the burst it may spend at once. */
  ratePerSecond: number;
  burst: number;
  /** SVGs kept in memory. */
  cacheEntries: number;
}

/** Each limit's environment variable, so refusals can name it. */
export const LIMIT_ENV = {
  smilesLength: 'GATEWAY_MAX_SMILES_LENGTH',
  atoms: 'GATEWAY_MAX_ATOMS',
  ringClosures: 'GATEWAY_MAX_RING_CLOSURES',
  molblockLength: 'GATEWAY_MAX_MOLBLOCK_LENGTH',
  jsonDepth: 'GATEWAY_MAX_JSON_DEPTH',
  inputBytes: 'GATEWAY_MAX_INPUT_BYTES',
  schemaBytes: 'GATEWAY_MAX_SCHEMA_BYTES',
  maxTimeoutMs: 'GATEWAY_MAX_TIMEOUT_MS',
} as const satisfies Record<keyof InputLimits, string>;

export const LIMIT_DEFAULTS: InputLimits = {
  // Drug-like molecules are < 100 characters; a 60-residue peptide (~470 heavy atoms) ~1,500;
  // maitotoxin (236 heavy atoms, 32 rings) ~1,000.
  smilesLength: 4000,
  // RDKit MinimalLib's canonicaliser overflows its stack past ~550 atoms in a chain (its DFS depth);
  // 500 is safe for any topology and admits peptides of 60 residues and more.
  atoms: 500,
  ringClosures: 100,
  molblockLength: 200_000,
  jsonDepth: 32,
  inputBytes: 512 * 1024,
  schemaBytes: 256 * 1024,
  maxTimeoutMs: 10 * 60_000,
};

function intEnv(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function inputLimits(): InputLimits {
  const out = { ...LIMIT_DEFAULTS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof InputLimits)[]) out[key] = intEnv(LIMIT_ENV[key], LIMIT_DEFAULTS[key], 1);
  // PostgreSQL stores timeouts as integers, and timers take at most 2^31 - 1 ms.
  out.maxTimeoutMs = Math.min(out.maxTimeoutMs, 2_147_483_647);
  return out;
}

export function chemPoolSettings(): ChemPoolSettings {
  return {
    threads: intEnv('CHEM_THREADS', 2, 1, 64),
    budgetMs: intEnv('CHEM_BUDGET_MS', 120_000, 1),
    itemTimeoutMs: intEnv('CHEM_ITEM_TIMEOUT_MS', 10_000, 10),
  };
}

export function depictSettings(): DepictSettings {
  return {
    ratePerSecond: intEnv('GATEWAY_DEPICT_RATE', 20, 1),
    burst: intEnv('GATEWAY_DEPICT_BURST', 120, 1),
    cacheEntries: intEnv('GATEWAY_DEPICT_CACHE', 2000, 0),
  };
}

/** "the limit is 500 (GATEWAY_MAX_ATOMS)": how refusals name a limit. */
export function limitText(key: keyof InputLimits, limits: InputLimits = inputLimits()): string {
  return `the limit is ${limits[key]} (${LIMIT_ENV[key]})`;
}
