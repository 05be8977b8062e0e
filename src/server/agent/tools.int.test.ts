import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, fixtureModelsDir, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import { loadManifest } from '../models/manifest';
import type { Viewer } from '../users/viewer';
import { approvalFor, approvalThresholds } from './approval-policy';
import { agentCaller, runTool, type AgentTool, type ToolEnv } from './tool-kit';
import { findAgentTool } from './tools';

let gw: TestGateway;
let admin: Viewer;
let alice: Viewer;
let n = 0;

beforeAll(async () => {
  gw = await startTestGateway();
  admin = await createUser(gw.db, 'admin');
  alice = await createUser(gw.db, 'alice');
});
afterAll(async () => gw?.stop());

const env = (v = alice): ToolEnv => ({ caller: agentCaller(gw.deps, v), viewer: v, callKey: `test:${n++}` });
const tool = (name: string) => findAgentTool(name) as AgentTool;
/** A tool called the way the chat and MCP call it, recorded and never throwing. */
const call = async <T = Record<string, unknown>>(name: string, input: unknown, v = alice) =>
  (await runTool(gw.deps, tool(name), input, env(v), { surface: 'mcp', conversationId: null, toolCallId: null })) as T;

const MOLECULES = ['CCO', 'c1ccccc1O', 'CC(=O)Oc1ccccc1C(=O)O', 'CCCCCCCC', 'c1ccncc1'].map((smiles) => ({ smiles }));

describe('the agent tools, called as the model calls them', () => {
  it('compares two models on the same molecules', async () => {
    const c = await call<{ finished: boolean; paired: number; pearson: number; jobs: { field: string }[]; rows: { molecule: string }[] }>('compare_models', {
      modelA: 'rdkit-descriptors',
      modelB: 'ocl-properties',
      inputs: MOLECULES,
    });
    expect(c.finished).toBe(true);
    expect(c.jobs.map((j) => j.field)).toEqual(['logP', 'logP']);
    expect(c.paired).toBe(5);
    expect(c.pearson).toBeGreaterThan(0.8);
    expect(c.rows.map((r) => r.molecule)).toContain('CCCCCCCC');
  });

  it('evaluates a model on a dataset and reports its metrics, which describe_model then lists', async () => {
    const csv = 'smiles,logS\nCCO,1.1\nc1ccccc1O,-0.04\nCCCCCCCC,-5.2\nc1ccncc1,0.76\nOCC(O)CO,1.12\n';
    const dataset = await agentCaller(gw.deps, alice).datasets.upload({ name: 'tiny solubility', csv, units: 'log10(mol/L)' });
    expect((await call<{ datasets: { id: string; rows: number }[] }>('list_datasets', {})).datasets).toContainEqual(expect.objectContaining({ id: dataset.id, rows: 5 }));
    const started = await call<{ evaluationId: string; jobId: string }>('evaluate_model', { model: 'esol-solubility', datasetId: dataset.id });
    const m = await call<{ finished: boolean; metrics: { name: string; n: number; rmse: number }[] }>('evaluation_metrics', { id: started.evaluationId, waitSeconds: 120 });
    expect(m.finished).toBe(true);
    expect(m.metrics[0]).toMatchObject({ name: 'esol-solubility@1', n: 5 });
    expect(m.metrics[0].rmse).toBeGreaterThan(0);
    const d = await call<{ evaluations: { id: string }[]; versions: { inputSchema: unknown }[] }>('describe_model', { slug: 'esol-solubility@1' });
    expect(d.evaluations.map((e) => e.id)).toContain(started.evaluationId);
    expect(d.versions[0].inputSchema).toMatchObject({ properties: { smiles: { format: 'smiles' } } });
  });

  it('builds, smoke-tests and publishes a consensus, then predicts with it', async () => {
    const r = await call<{ status: string; outcome: string; smokeTest: { ok: boolean }; link: string }>('build_consensus', {
      slug: 'agent-logs-mean',
      name: 'Agent logS mean',
      task: 'property/logS',
      members: [
        { ref: 'esol-solubility@1', field: 'logS' },
        { ref: 'ocl-properties@1', field: 'logS' },
      ],
      strategy: 'mean',
      quorum: 2,
      outputField: 'logS',
      example: { smiles: 'c1ccccc1O' },
    });
    expect(r).toMatchObject({ status: 'published', outcome: 'published', smokeTest: { ok: true }, link: '/models/agent-logs-mean' });
    const p = await call<{ output: { logS: number } }>('predict', { model: 'agent-logs-mean@production', input: { smiles: 'CCO' } });
    expect(typeof p.output.logS).toBe('number');
  });

  it('drafts a registration from a manifest, smoke-tested and left for the owner to publish', async () => {
    const { manifest } = await loadManifest(path.join(fixtureModelsDir, 'echo'));
    // A command on the worker host: the admin may register one wherever the gateway limits who may.
    const r = await call<{ status: string; outcome: string; smokeTest: { ok: boolean }; link: string }>(
      'draft_registration',
      { manifest: { ...manifest, slug: 'agent-drafted-echo', runtime: { ...manifest.runtime, cwd: path.join(fixtureModelsDir, 'echo') } } },
      admin,
    );
    // Drafted and smoke-tested (the verdict depends on where models run: host or sandbox), never published.
    expect(r).toMatchObject({ outcome: 'draft', smokeTest: { ok: expect.any(Boolean) }, link: '/models/new?slug=agent-drafted-echo&version=1' });
    expect(['draft', 'validated']).toContain(r.status);
    expect((await agentCaller(gw.deps, admin).models.get({ slug: 'agent-drafted-echo' })).latestVersion).toBeNull();
    const schemas = await call<{ inputSchema: { properties: Record<string, { format?: string }> } }>('infer_schemas', { input: { smiles: 'CCO' }, output: { y: 1.5 } });
    expect(schemas.inputSchema.properties.smiles.format).toBe('smiles');
  });

  it('pages and filters results, lists and cancels jobs', async () => {
    const job = await call<{ jobId: string }>('submit_screen', { model: 'esol-solubility', inputs: [...MOLECULES, { smiles: 'C1CC(' }] });
    await waitForJob(gw.deps, alice, job.jobId);
    const failed = await call<{ total: number; results: { errorCode: string }[] }>('job_results', { jobId: job.jobId, status: 'failed' });
    expect(failed).toMatchObject({ total: 1, results: [{ errorCode: 'INVALID_INPUT' }] });
    const page = await call<{ total: number; results: unknown[] }>('job_results', { jobId: job.jobId, limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 6 });
    expect(page.results).toHaveLength(2);
    expect((await call<{ jobs: { jobId: string }[] }>('list_jobs', {})).jobs.map((j) => j.jobId)).toContain(job.jobId);
    expect(await call('cancel_job', { jobId: job.jobId })).toEqual({ error: { code: 'CONFLICT', message: expect.stringMatching(/already succeeded/) } });
    // The agent's changes, and its refused attempts, are in the audit log under its own channel.
    const entries = await gw.db.selectFrom('audit_log').selectAll().where('actor_id', '=', alice.id).where('entity_id', '=', job.jobId).orderBy('seq').execute();
    expect(entries.map((e) => [e.channel, e.outcome, e.error_code])).toEqual([
      ['agent', 'ok', null],
      ['agent', 'error', 'CONFLICT'],
    ]);
  });

  it('asks approval for every mutation and for runs over the threshold, and none for a run that cannot resolve', async () => {
    expect(approvalThresholds({})).toEqual({ items: 10, seconds: 60 });
    expect(approvalThresholds({ AGENT_APPROVAL_ITEMS: '0', AGENT_APPROVAL_SECONDS: '5' })).toEqual({ items: 0, seconds: 5 });
    // Time limits stay out of the way here except where tested: cold starts make the first medians long.
    const ask = (name: string, input: unknown, limits = { items: 10, seconds: 1e6 }) => approvalFor(tool(name), input, env(), limits);
    expect(await ask('search_models', {})).toEqual({ needed: false });
    expect(await ask('predict', { model: 'rdkit-descriptors', input: { smiles: 'CCO' } })).toEqual({ needed: false });
    expect(await ask('cancel_job', { jobId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ needed: true, reason: expect.stringContaining('Cancel job') });
    const big = await ask('submit_screen', { model: 'rdkit-descriptors', inputs: Array.from({ length: 11 }, () => ({ smiles: 'C' })) });
    expect(big).toMatchObject({ needed: true, reason: expect.stringMatching(/rdkit-descriptors@1 on 11 inputs.*median .* ms per item.*more than 10 inputs/) });
    // Two models on 5 molecules are 10 inputs: at the threshold, not over it.
    expect(await ask('compare_models', { modelA: 'rdkit-descriptors', modelB: 'ocl-properties', inputs: MOLECULES })).toMatchObject({ needed: false });
    expect(await ask('predict', { model: 'rdkit-descriptors', input: { smiles: 'CCO' } }, { items: 10, seconds: 0 })).toMatchObject({ needed: true, reason: expect.stringContaining('expected to take more than 0 s') });
    expect(await ask('submit_screen', { model: 'no-such-model', inputs: Array.from({ length: 50 }, () => ({ smiles: 'C' })) })).toEqual({ needed: false });
  });
});
