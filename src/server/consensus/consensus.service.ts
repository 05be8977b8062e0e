import type { DbOrTx } from '../db/client';
import { AppError, isAppError } from '../errors';
import type { TConsensusMember, TConsensusRuntime } from '../models/models.schema';
import { resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { memberKey } from '../../shared/consensus-member';
import { getStrategy, type StrategyParams } from './strategy';

export type ValueKind = 'number' | 'label';

export interface ResolvedMember {
  key: string;
  member: TConsensusMember;
  version: ModelVersion;
  kind: ValueKind;
}

/** Consensus nesting deeper than this is refused at run time: it can only come from a cycle through moved aliases. */
export const MAX_CONSENSUS_DEPTH = 5;


function kindOf(schema: Record<string, unknown>, field: string): ValueKind | 'missing' | 'other' {
  const prop = (schema.properties as Record<string, { type?: string | string[] }> | undefined)?.[field];
  if (!prop) return 'missing';
  const types = Array.isArray(prop.type) ? prop.type.filter((t) => t !== 'null') : [prop.type];
  if (types.every((t) => t === 'number' || t === 'integer')) return 'number';
  if (types.every((t) => t === 'string' || t === 'boolean')) return 'label';
  return 'other';
}

/** Resolves every member's reference to the version it names now. */
export async function resolveMembers(db: DbOrTx, runtime: TConsensusRuntime): Promise<ResolvedMember[]> {
  const seen = new Set<string>();
  const resolved: ResolvedMember[] = [];
  for (const member of runtime.members) {
    const key = memberKey(member);
    if (seen.has(key)) throw new AppError('INVALID_INPUT', `two members are called "${key}"; give one a "name"`);
    seen.add(key);
    let version: ModelVersion;
    try {
      version = await resolveModelRef(db, member.ref);
    } catch (e) {
      throw isAppError(e) ? new AppError(e.code, `member "${key}": ${e.message}`) : e;
    }
    const kind = kindOf(version.outputSchema, member.field);
    if (kind === 'missing') {
      const fields = Object.keys((version.outputSchema.properties as object | undefined) ?? {});
      throw new AppError('INVALID_INPUT', `member "${key}": ${version.slug}@${version.version} has no output field "${member.field}"; its fields are ${fields.join(', ')}`);
    }
    if (kind === 'other') {
      throw new AppError('INVALID_INPUT', `member "${key}": field "${member.field}" is neither a number nor a class label`);
    }
    resolved.push({ key, member, version, kind });
  }
  return resolved;
}

async function assertNoCycle(db: DbOrTx, selfSlug: string, members: ResolvedMember[], path: string[] = [selfSlug]): Promise<void> {
  for (const m of members) {
    const trail = [...path, `${m.version.slug}@${m.version.version}`];
    if (m.version.slug === selfSlug) {
      throw new AppError('INVALID_INPUT', `a consensus cannot contain itself: ${trail.join(' → ')}`);
    }
    if (m.version.runtime.kind === 'consensus') {
      if (trail.length > MAX_CONSENSUS_DEPTH + 1) throw new AppError('INVALID_INPUT', `consensus nesting is deeper than ${MAX_CONSENSUS_DEPTH}: ${trail.join(' → ')}`);
      await assertNoCycle(db, selfSlug, await resolveMembers(db, m.version.runtime), trail);
    }
  }
}

/** Refuses a version that would reach its own model through its members (after an alias move). */
export async function assertAcyclic(db: DbOrTx, slug: string, version: ModelVersion): Promise<void> {
  if (version.runtime.kind === 'consensus') await assertNoCycle(db, slug, await resolveMembers(db, version.runtime));
}

/**
 * Checks a consensus definition — members exist and agree on type, the strategy fits them,
 * the quorum is reachable, and there is no cycle — and derives its input and output schemas.
 */
export async function defineConsensus(db: DbOrTx, slug: string, runtime: TConsensusRuntime) {
  const members = await resolveMembers(db, runtime);
  const kind = members[0].kind;
  const odd = members.find((m) => m.kind !== kind);
  if (odd) {
    const first = members[0];
    const describe = (k: ValueKind) => (k === 'number' ? 'a number' : 'a class label');
    throw new AppError(
      'INVALID_INPUT',
      `members must agree on type: member "${first.key}" field "${first.member.field}" is ${describe(kind)}, but member "${odd.key}" field "${odd.member.field}" is ${describe(odd.kind)}`,
    );
  }
  let strategy;
  try {
    strategy = getStrategy(runtime.strategy);
    if (strategy.kind !== kind) {
      throw new Error(`strategy "${runtime.strategy}" aggregates ${strategy.kind === 'number' ? 'numbers' : 'class labels'}, but the members give ${kind === 'number' ? 'numbers' : 'class labels'}`);
    }
    strategy.validateParams(runtime.params as StrategyParams, members.map((m) => m.key));
  } catch (e) {
    throw new AppError('INVALID_INPUT', (e as Error).message);
  }
  if (runtime.quorum > members.length) {
    throw new AppError('INVALID_INPUT', `quorum ${runtime.quorum} is more than the ${members.length} members; lower it`);
  }
  await assertNoCycle(db, slug, members);

  const valueType = kind === 'number' ? 'number' : 'string';
  const outputSchema = {
    type: 'object',
    properties: {
      [runtime.outputField]: { type: valueType, title: `Consensus ${runtime.outputField}`, description: `${strategy.name} of ${members.map((m) => `${m.key}.${m.member.field}`).join(', ')}` },
      members: { type: 'object', title: 'Member values', description: 'each member’s value for this item (null when it failed)' },
      spread: { type: 'object', title: 'Spread', description: kind === 'number' ? 'standard deviation and range of the member values' : 'fraction of members that agree' },
      memberCount: { type: 'integer', title: 'Members counted' },
      highSpread: { type: 'boolean', title: 'High spread', description: 'the members disagree more than the strategy’s threshold' },
      ...(kind === 'number'
        ? { uncertainty: { type: 'object', title: 'Uncertainty', description: 'the expected error for this spread and an interval, when the version was calibrated on an evaluation (calibrated: true)' } }
        : {}),
      applicabilityDomain: { type: 'object', title: 'Applicability domain', description: 'whether every member that reports one says the molecule is inside its domain' },
      failedMembers: { type: 'object', title: 'Failed members', description: 'why a member gave no value' },
    },
    required: [runtime.outputField, 'members', 'spread', 'memberCount', 'highSpread'],
  };
  return { members, kind, inputSchema: members[0].version.inputSchema, outputSchema };
}
