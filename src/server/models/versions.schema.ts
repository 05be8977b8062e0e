import { z } from 'zod';
import { ALIAS_PATTERN, RESERVED_SLUGS } from '../../shared/model-ref';
import { ZJsonSchema, ZResources, ZRuntimeSpec, ZSlug } from './models.schema';

const slug = ZSlug;

export const ZCreateModelInput = z.object({
  // "new" is the wizard's address, /models/new.
  slug: slug.refine((v) => !RESERVED_SLUGS.includes(v.toLowerCase()), { message: `this slug is reserved (${RESERVED_SLUGS.join(", ")}); choose another one` }),
  name: z.string().trim().min(1, 'give the model a name').max(120),
  task: z.string().trim().min(1, 'say what the model does, e.g. property/logS').max(120),
  description: z.string().max(4000).default(''),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
});

/** What a version is made of; every field can be edited while it is a draft. */
export const ZVersionSpec = z.object({
  runtime: ZRuntimeSpec,
  inputSchema: ZJsonSchema,
  outputSchema: ZJsonSchema,
  resources: ZResources.default({}),
  batchSize: z.number().int().min(1).max(10_000).default(50),
  timeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  example: z.record(z.string(), z.unknown()).nullable().default(null),
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
  aliases: z.array(z.string()).max(10).default([]),
});
export const ZSetAliasInput = z.object({
  slug,
  alias: z.string().regex(ALIAS_PATTERN, 'alias: a lowercase word, e.g. production or staging'),
  version: z.number().int().positive().nullable(),
});
