import { z } from 'zod';
import { ZConsensusRuntime, ZModelManifest, ZSlug } from '../../models/models.schema';
import { defineTool, type AppCaller } from '../tool-kit';

type Registration = Awaited<ReturnType<AppCaller['models']['registerManifest']>>;

function registrationView(r: Registration) {
  const s = r.smokeTest;
  return {
    slug: r.slug,
    version: r.version.version,
    status: r.version.status,
    outcome: r.outcome,
    smokeTest: s ? { ok: s.ok, output: s.output, code: s.code, message: s.message } : null,
    inputSchema: r.version.inputSchema,
    outputSchema: r.version.outputSchema,
    link: r.outcome === 'draft' ? `/models/new?slug=${encodeURIComponent(r.slug)}&version=${r.version.version}` : `/models/${r.slug}`,
  };
}

export const buildConsensus = defineTool({
  name: 'build_consensus',
  title: 'Build a consensus',
  description:
    'Register and publish a consensus model that combines published models: members (ref such as esol-solubility@1 or slug@production, and the output field each contributes, optional weight, scale and offset to common units), a strategy (see list_consensus_strategies), its params and a quorum. It is smoke-tested on the example and points "production" at the version. Needs approval.',
  kind: 'mutation',
  input: ZConsensusRuntime.omit({ kind: true }).extend({
    slug: ZSlug,
    name: z.string().min(1).max(120),
    task: z.string().min(1).max(120).describe('what it predicts, e.g. property/logS'),
    description: z.string().max(4000).default(''),
    tags: z.array(z.string().min(1).max(40)).max(20).default([]),
    version: z.number().int().positive().default(1).describe('1 for a new consensus; the next version number for an existing one'),
    example: z.record(z.string(), z.unknown()).optional().describe('an input for the smoke test, e.g. {"smiles":"c1ccccc1O"}'),
  }),
  summary: (c) =>
    `Register and publish the consensus "${c.slug}" (version ${c.version}): ${c.strategy} of ${c.members.map((m) => `${m.ref}.${m.field}`).join(', ')}, quorum ${c.quorum}`,
  async run(c, { caller }) {
    const { slug, name, task, description, tags, version, example, ...runtime } = c;
    const r = await caller.models.registerManifest({
      manifest: { slug, name, task, description, tags, version, example, runtime: { kind: 'consensus', ...runtime }, inputSchema: {}, outputSchema: {}, resources: {}, batchSize: 100, timeoutMs: 60_000, requires: [] },
      publish: true,
      aliases: ['production'],
    });
    return registrationView(r);
  },
});

export const draftRegistration = defineTool({
  name: 'draft_registration',
  title: 'Draft a registration',
  description:
    "Draft a model registration from a manifest (the model.json format: slug, name, version, task, description, tags, runtime, inputSchema, outputSchema, batchSize, timeoutMs, example). For a description, compose the manifest first (infer_schemas helps with the schemas). Creates the model and a draft version and smoke-tests its example; it is not published: the owner reviews and publishes it in the wizard. Needs approval.",
  kind: 'mutation',
  input: z.object({ manifest: ZModelManifest }),
  summary: ({ manifest }) => `Create a draft of "${manifest.slug}" version ${manifest.version} (${manifest.runtime.kind} runtime) and smoke-test it; nothing is published`,
  async run({ manifest }, { caller }) {
    return registrationView(await caller.models.registerManifest({ manifest, publish: false, aliases: [] }));
  },
});
