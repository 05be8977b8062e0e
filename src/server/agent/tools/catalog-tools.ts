import { z } from 'zod';
import { ZListModelsInput } from '../../models/models.schema';
import { slugOfRef } from '../../../shared/model-ref';
import { defineTool } from '../tool-kit';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const searchModels = defineTool({
  name: 'search_models',
  title: 'Search models',
  description:
    'Search the model catalog by free text (slug, name, description or tag), task (e.g. property/logS), tag, owner ("me" or an email) or status. Returns slugs to use in other tools.',
  kind: 'read',
  input: ZListModelsInput,
  async run(input, { caller }) {
    const { items, total } = await caller.models.list({ ...input, limit: Math.min(input.limit, 50) });
    return {
      total,
      models: items.map((m) => ({
        slug: m.slug,
        name: m.name,
        task: m.task,
        description: clip(m.description, 200),
        tags: m.tags,
        latestVersion: m.latestVersion,
        runtime: m.runtimeKind,
        owner: m.builtIn ? 'built-in' : m.ownerEmail,
        link: `/models/${m.slug}`,
      })),
    };
  },
});

export const describeModel = defineTool({
  name: 'describe_model',
  title: 'Describe a model',
  description:
    "One model in full: its versions with input and output JSON Schemas, aliases, an example input, recent usage (calls, success rate, median time) and the user's evaluations of it. Accepts a slug or a reference such as slug@2.",
  kind: 'read',
  input: z.object({ slug: z.string().min(2).max(200).describe('the model slug, e.g. rdkit-descriptors (a reference like slug@2 is accepted too)') }),
  async run({ slug: ref }, { caller }) {
    const slug = slugOfRef(ref);
    const [model, usage, evaluations] = await Promise.all([
      caller.models.get({ slug }),
      caller.models.usage({ slug, days: 30 }),
      caller.evaluations.list({ limit: 100, offset: 0 }),
    ]);
    return {
      slug: model.slug,
      name: model.name,
      task: model.task,
      description: clip(model.description, 1000),
      tags: model.tags,
      owner: model.builtIn ? 'built-in' : model.ownerEmail,
      latestVersion: model.latestVersion,
      aliases: model.aliases,
      versions: model.versions.slice(0, 5).map((v) => ({
        version: v.version,
        status: v.status,
        runtime: v.runtime.kind === 'consensus' ? v.runtime : { kind: v.runtime.kind },
        inputSchema: v.inputSchema,
        outputSchema: v.outputSchema,
        batchSize: v.batchSize,
        timeoutMs: v.timeoutMs,
        example: v.example,
        publishedAt: v.publishedAt,
      })),
      olderVersions: Math.max(0, model.versions.length - 5),
      usage: { days: usage.days, invocations: usage.invocations, successRate: usage.successRate, p50Ms: usage.p50Ms },
      evaluations: evaluations
        .filter((e) => e.model === model.slug)
        .slice(0, 10)
        .map((e) => ({ id: e.id, dataset: e.dataset, version: e.version, field: e.field, status: e.status, link: `/evaluations/${e.id}` })),
      link: `/models/${model.slug}`,
    };
  },
});

export const listDatasets = defineTool({
  name: 'list_datasets',
  title: 'List datasets',
  description: 'The measured datasets (SMILES with a measured value) the user can evaluate models on: ids, names, sizes, the measured quantity.',
  kind: 'read',
  input: z.object({}),
  async run(_input, { caller }) {
    const datasets = await caller.datasets.list();
    return { datasets: datasets.map((d) => ({ id: d.id, name: d.name, rows: d.rowCount, measured: d.valueName, units: d.units, shared: d.ownerId === null })) };
  },
});

export const listConsensusStrategies = defineTool({
  name: 'list_consensus_strategies',
  title: 'Consensus strategies',
  description: 'The strategies a consensus model can combine its members with (mean, median, trimmed mean, weighted mean, votes, …), each with what it takes.',
  kind: 'read',
  input: z.object({}),
  async run(_input, { caller }) {
    return { strategies: await caller.evaluations.strategies() };
  },
});

export const inferSchemas = defineTool({
  name: 'infer_schemas',
  title: 'Infer schemas',
  description:
    "Propose input and output JSON Schemas from one example input and the output a model gave for it (a string that parses as SMILES gets format: smiles). Use it to draft a registration from a description. Changes nothing.",
  kind: 'read',
  input: z.object({ input: z.record(z.string(), z.unknown()), output: z.record(z.string(), z.unknown()) }),
  async run(input, { caller }) {
    return caller.models.inferSchemas(input);
  },
});
