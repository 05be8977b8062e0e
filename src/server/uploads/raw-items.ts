import { moleculeFields, prepareInputs } from '../chem/inputs';
import { newBudget } from '../chem/chem-pool';
import { rdkitFailure, smilesOfMolblocks } from '../chem/rdkit';
import type { TaskItem } from '../db/types';
import type { ItemOutcome } from '../jobs/jobs.types';
import { pastedInputKey, rawInputKey } from '../jobs/result-cache.repository';
import type { ModelVersion } from '../models/models.types';

/**
 * The input field an uploaded item's molecule goes in: the model's SMILES field, else `smiles`.
 * The one place it is decided: the tasks and raw cache keys the database builds at submission and
 * those the worker builds must agree on it.
 */
export function uploadField(version: ModelVersion): string {
  return moleculeFields(version.inputSchema).find((f) => f.format === 'smiles')?.name ?? 'smiles';
}

/**
 * The raw cache key of each item, by index: an uploaded item's molecule as the file had it, or a
 * pasted item's input as it was sent. The worker keeps what they became under these keys too, so
 * the same file is answered at submission next time (uploads.repository.ts findCachedRows), and
 * the same list skips RDKit (result-cache.ts knownInputs).
 */
export function rawKeysOf(version: ModelVersion, items: TaskItem[]): Map<number, string> {
  const field = uploadField(version);
  return new Map(items.map((i) => [i.index, i.raw ? rawInputKey(i.raw, field, i.input) : pastedInputKey(i.submitted ?? i.input)] as const));
}

/**
 * An uploaded file's items arrive as the file had them (tasks are built in the database, so
 * nothing canonicalised them at submission): here, just before they run, each is prepared as
 * createJob prepares pasted inputs (an SDF record's MOL block first becomes SMILES). Items that
 * fail come back as INVALID_INPUT outcomes naming their line; other items pass through untouched.
 */
export async function prepareRawItems(version: ModelVersion, items: TaskItem[], requester: string): Promise<{ items: TaskItem[]; refused: ItemOutcome[] }> {
  if (!items.some((i) => i.raw)) return { items, refused: [] };
  const field = uploadField(version);
  const ready: TaskItem[] = [];
  const refused: ItemOutcome[] = [];
  const raw = items.filter((i) => i.raw);
  for (const i of items) if (!i.raw) ready.push(i);
  // A worker's task is not a web request: it is not held to one request's chemistry budget.
  const budget = newBudget(Number.MAX_SAFE_INTEGER);
  const where = (i: TaskItem) => (i.line ? `line ${i.line}` : `item ${i.index}`);

  const molblocks = raw.filter((i) => i.raw === 'molblock');
  const smilesOf = new Map<number, string>();
  if (molblocks.length) {
    const outcomes = await smilesOfMolblocks(molblocks.map((i) => String(i.input[field] ?? '')), { requester, budget });
    molblocks.forEach((item, k) => {
      const o = outcomes[k];
      if ('canonical' in o) smilesOf.set(item.index, o.canonical);
      else refused.push({ index: item.index, code: 'INVALID_INPUT', error: `${where(item)}: the MOL block ${o.problem === 'invalid' ? 'cannot be read by RDKit' : o.problem === 'failed' ? rdkitFailure(o.message) : o.message}` });
    });
  }
  const candidates = raw.filter((i) => i.raw === 'smiles' || smilesOf.has(i.index));
  const inputs = candidates.map((i) => (i.raw === 'molblock' ? { ...i.input, [field]: smilesOf.get(i.index) } : i.input));
  const prepared = await prepareInputs(version.inputSchema, inputs, { requester, budget });
  candidates.forEach((item, k) => {
    const p = prepared[k];
    if (!p.input) {
      refused.push({ index: item.index, code: 'INVALID_INPUT', error: `${where(item)}: ${(p.error?.message ?? 'refused').replace(/^item \d+: /, '')}` });
      return;
    }
    // What the file said is kept as the result's `submitted`; the model sees the canonical input.
    ready.push({ index: item.index, input: p.input, submitted: item.input, ...(item.externalId === undefined ? {} : { externalId: item.externalId }) });
  });
  return { items: ready, refused };
}
