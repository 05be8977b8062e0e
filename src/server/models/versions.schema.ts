import { z } from 'zod';
import { ALIAS_PATTERN, MAX_VERSION_NUMBER } from '../../shared/model-ref';
import { GRANT_LEVELS, VISIBILITIES, type GrantLevel, type ModelVisibility } from '../../shared/permissions';
import { safeJsonObject, safeName, safeText } from '../safe-input';
import { ZNewSlug, ZResources, ZRuntimeSpec, ZSlug, ZTimeoutMs, ZVersionJsonSchema } from './models.schema';

const slug = ZSlug;

export const ZCreateModelInput = z.object({
  slug: ZNewSlug,
  name: safeName(120, 'give the model a name'),
  task: safeName(120, 'say what the model does, e.g. property/logS'),
  description: safeText(4000, { multiline: true }).default(''),
  tags: z.array(safeName(40, 'a tag cannot be empty')).max(20, 'at most 20 tags').default([]),
});

export const ZVisibility = z.enum(VISIBILITIES as [ModelVisibility, ...ModelVisibility[]]);
export const ZGrantLevel = z.enum(GRANT_LEVELS as [GrantLevel, ...GrantLevel[]]);

export const ZModelAccessInput = z.object({
  slug,
  /** `private` (owner and grants), `team` (the owning team), `organisation` (every account). */
  visibility: ZVisibility.optional(),
  /** The owning team: its members see a `team` model, its maintainers maintain it. Null for none. */
  teamId: z.uuid().nullable().optional(),
  /** Moving `production` waits for an approver. Only an administrator can switch it off again. */
  productionRequiresApproval: z.boolean().optional(),
});

/** A new model: its info, and who may see it (private, by default). */
export const ZNewModelInput = ZCreateModelInput.extend({
  visibility: ZVisibility.default('private'),
  teamId: z.uuid().nullable().default(null),
});

/** What a version is made of; every field can be edited while it is a draft. */
export const ZVersionSpec = z.object({
  runtime: ZRuntimeSpec,
  inputSchema: ZVersionJsonSchema('inputSchema'),
  outputSchema: ZVersionJsonSchema('outputSchema'),
  resources: ZResources.default({}),
  batchSize: z.number().int().min(1).max(10_000).default(50),
  timeoutMs: ZTimeoutMs.default(60_000),
  example: safeJsonObject().nullable().default(null),
  /** Where the version came from; shown on the model page, never run. */
  provenance: z.record(z.string(), z.unknown()).nullable().optional(),
  /** False for a model whose outputs are not a function of its input (random seeds): never answer repeated inputs from the result cache. Default true. */
  cache: z.boolean().optional(),
});
export type TVersionSpec = z.infer<typeof ZVersionSpec>;

export const ZCreateDraftInput = z.object({
  slug,
  spec: ZVersionSpec,
  /** A version of the same model (usually the one the draft is copied from) whose secrets masked values keep. */
  secretsFrom: z.uuid().optional(),
});
export const ZUpdateDraftInput = z.object({ versionId: z.uuid(), spec: ZVersionSpec });
export const ZVersionIdInput = z.object({ versionId: z.uuid() });
export const ZPublishInput = z.object({
  versionId: z.uuid(),
  /** Point these aliases at the version once it is published. */
  aliases: z.array(safeText(32)).max(10).default([]),
});
export const ZSetAliasInput = z.object({
  slug,
  alias: z.string().regex(ALIAS_PATTERN, 'alias: a lowercase word, e.g. production or staging'),
  version: z.number().int().positive().max(MAX_VERSION_NUMBER).nullable(),
  /** Why: kept in the alias history (and shown to an approver). */
  reason: safeText(500).default(''),
});
