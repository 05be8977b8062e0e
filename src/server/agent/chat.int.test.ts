import { randomUUID } from 'node:crypto';
import type { UIMessage } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, sendChat, textOf, toolParts, userMessage } from '../../../test/fixtures/agent/chat-client';
import { scriptedMockModel } from '../../../test/fixtures/agent/mock-model';
import { errorOf, lastResult, type Script } from '../../../test/fixtures/agent/script';
import { createUser, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import type { Viewer } from '../users/viewer';

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  await createUser(gw.db, 'admin'); // the first account is the admin, who may read everything
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
});
afterAll(async () => gw?.stop());

const caller = (v: Viewer) => createCaller({ ...gw.deps, viewer: v });
const conversation = async (v: Viewer, id: string) => (await caller(v).agent.conversations.get({ id })).messages as unknown as UIMessage[];
const lastMessage = async (v: Viewer, id: string) => (await conversation(v, id)).at(-1)!;

const SCREEN = ['CCO', 'c1ccccc1O', 'CC(=O)Oc1ccccc1C(=O)O', 'CCCCCCCC', 'c1ccc2ccccc2c1', 'CCN(CC)CC', 'OCC(O)CO', 'CC(C)Cc1ccc(C(C)C(=O)O)cc1', 'ClC(Cl)(Cl)Cl', 'c1ccncc1', 'CCCCCCCCCCCCCCCC', 'O=C(O)c1ccccc1'];

describe('scripted conversations against the mock model', () => {
  it('searches, predicts and answers with the prediction', async () => {
    const script: Script = (s) => {
      const found = lastResult(s, 'search_models') as { models: { slug: string }[] } | undefined;
      const predicted = lastResult(s, 'predict') as { output: { tpsa: number } } | undefined;
      if (!found) return { text: 'Looking for a descriptor model.', calls: [{ name: 'search_models', input: { search: 'descriptors' } }] };
      if (!predicted) return { calls: [{ name: 'predict', input: { model: found.models.find((m) => m.slug.startsWith('rdkit'))!.slug, input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } } }] };
      return { text: `The TPSA of aspirin is ${predicted.output.tpsa.toFixed(1)} Å².` };
    };
    const model = scriptedMockModel(script);
    const id = randomUUID();
    const { errors, chunks } = await sendChat(gw.deps, alice, id, userMessage('What is the TPSA of aspirin?'), model);
    expect(errors).toEqual([]);
    // Streamed: text in several deltas, the tool calls and their outputs.
    expect(chunks.filter((c) => c.type === 'text-delta').length).toBeGreaterThan(2);
    expect(chunks.some((c) => c.type === 'tool-output-available')).toBe(true);

    const answer = await lastMessage(alice, id);
    expect(toolParts(answer, 'search_models')[0].state).toBe('output-available');
    const prediction = toolParts(answer, 'predict')[0];
    expect(prediction.state).toBe('output-available');
    expect((prediction.output as { output: { tpsa: number } }).output.tpsa).toBeCloseTo(63.6, 1);
    expect(textOf(answer)).toContain('The TPSA of aspirin is 63.6');
    expect(model.doStreamCalls).toHaveLength(3);

    const calls = await caller(alice).agent.toolCalls({ conversationId: id });
    expect(calls.map((c) => [c.tool, c.outcome, c.surface])).toEqual([
      ['search_models', 'ok', 'chat'],
      ['predict', 'ok', 'chat'],
    ]);
  });

  it('submits a screen only after approval, then follows the job and summarises it; a replayed approval runs nothing', async () => {
    const script: Script = (s) => {
      const estimate = lastResult(s, 'estimate_run') as { estimatedSeconds: number | null; basis: string } | undefined;
      const submitted = lastResult(s, 'submit_screen') as { jobId: string } | undefined;
      const status = lastResult(s, 'job_status') as { status: string; itemsDone: number } | undefined;
      const summary = lastResult(s, 'summarize_results') as { top: { molecule: string; value: number }[] } | undefined;
      if (!estimate) return { calls: [{ name: 'estimate_run', input: { model: 'rdkit-descriptors', items: SCREEN.length } }] };
      if (!submitted) return { text: `Estimate: ${estimate.basis}.`, calls: [{ name: 'submit_screen', input: { model: 'rdkit-descriptors', inputs: SCREEN.map((smiles) => ({ smiles })), label: 'agent screen' } }] };
      if (!status) return { calls: [{ name: 'job_status', input: { jobId: submitted.jobId, waitSeconds: 60 } }] };
      if (!summary) return { calls: [{ name: 'summarize_results', input: { jobId: submitted.jobId, field: 'logP', k: 3 } }] };
      return { text: `Done: ${status.itemsDone} molecules. Highest logP: ${summary.top.map((t) => `${t.molecule} (${t.value})`).join(', ')}.` };
    };
    const model = scriptedMockModel(script);
    const id = randomUUID();
    await sendChat(gw.deps, alice, id, userMessage('Screen these 12 molecules with rdkit-descriptors and give me the top 3 by logP'), model);

    // The stream ends at the approval: nothing has run yet.
    const asked = await lastMessage(alice, id);
    const pending = toolParts(asked, 'submit_screen')[0];
    expect(pending.state).toBe('approval-requested');
    expect(pending.approval!.requestReason).toMatch(/rdkit-descriptors@1 on 12 inputs/);
    expect(pending.approval!.requestReason).toMatch(/more than 10 inputs/);
    const { approvals } = await caller(alice).agent.conversations.get({ id });
    expect(approvals).toMatchObject([{ id: pending.approval!.id, tool: 'submit_screen', status: 'pending', toolCallId: pending.toolCallId }]);
    expect((approvals[0].arguments as { inputs: unknown[] }).inputs).toHaveLength(12);
    const screens = async () => (await caller(alice).jobs.list({})).items.filter((j) => j.label === 'agent screen');
    expect(await screens()).toHaveLength(0);

    const approval = answered(asked, true);
    const { errors } = await sendChat(gw.deps, alice, id, approval, model);
    expect(errors).toEqual([]);
    const done = await lastMessage(alice, id);
    const job = (toolParts(done, 'submit_screen')[0].output as { jobId: string }).jobId;
    expect((await waitForJob(gw.deps, alice, job)).status).toBe('succeeded');
    expect(toolParts(done, 'job_status')[0].output).toMatchObject({ status: 'succeeded', itemsDone: 12, progress: 1 });
    const top = (toolParts(done, 'summarize_results')[0].output as { top: { molecule: string }[] }).top;
    expect(top[0].molecule).toBe('CCCCCCCCCCCCCCCC');
    expect(textOf(done)).toContain('Done: 12 molecules. Highest logP: CCCCCCCCCCCCCCCC');

    const record = await caller(alice).agent.conversations.get({ id });
    expect(record.approvals[0]).toMatchObject({ status: 'executed' });
    const calls = await caller(alice).agent.toolCalls({ conversationId: id });
    expect(calls.find((c) => c.tool === 'submit_screen')).toMatchObject({ outcome: 'ok', approvalId: pending.approval!.id });

    // The same approval posted again (a reload, a replay) is refused and runs nothing.
    await expect(sendChat(gw.deps, alice, id, approval, model)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await screens()).toHaveLength(1);
  });

  it('answers a hallucinated model name with a structured error naming the real one, and the corrected call succeeds', async () => {
    const script: Script = (s) => {
      const tries = s.results.filter((r) => r.toolName === 'predict');
      if (!tries.length) return { calls: [{ name: 'predict', input: { model: 'rdkit-descriptor', input: { smiles: 'CCO' } } }] };
      const error = errorOf(tries.at(-1)!.output);
      if (error) {
        const suggestion = /did you mean "([^"]+)"/.exec(error.message)?.[1];
        return suggestion ? { calls: [{ name: 'predict', input: { model: suggestion, input: { smiles: 'CCO' } } }] } : { text: `I could not: ${error.message}` };
      }
      return { text: `logP of ethanol: ${(tries.at(-1)!.output as { output: { logP: number } }).output.logP}` };
    };
    const model = scriptedMockModel(script);
    const id = randomUUID();
    await sendChat(gw.deps, alice, id, userMessage('logP of ethanol with rdkit-descriptor?'), model);
    const answer = await lastMessage(alice, id);
    const [first, second] = toolParts(answer, 'predict');
    expect(first.output).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/no model named "rdkit-descriptor"; did you mean "rdkit-descriptors"/) } });
    expect(second.input.model).toBe('rdkit-descriptors');
    expect(second.output).toMatchObject({ model: 'rdkit-descriptors', error: null });
    expect(textOf(answer)).toMatch(/^logP of ethanol: -?\d/);
    // What the model was sent on its second call is the structured error.
    const prompt = JSON.stringify(model.doStreamCalls[1].prompt);
    expect(prompt).toContain('NOT_FOUND');
    expect(prompt).toContain('did you mean');
  });

  it("refuses a user without permission, and the refusal is what the model sees (today: another user's job and draft-only model; private models extend it)", async () => {
    const bobs = createCaller({ ...gw.deps, viewer: bob });
    const bobJob = await bobs.jobs.create({ model: 'ocl-properties', inputs: [{ smiles: 'CCO' }] });
    const slug = `bobs-draft-${Date.now().toString(36)}`;
    await bobs.models.create({ slug, name: 'Bob draft', task: 'property/test', description: '', tags: [] });
    await bobs.versions.createDraft({
      slug,
      spec: { runtime: { kind: 'http', url: 'http://127.0.0.1:9/predict', protocol: 'json' }, inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } } }, outputSchema: { type: 'object', properties: { y: { type: 'number' } } } },
    } as never);
    const script: Script = (s) => {
      if (!lastResult(s, 'job_status')) return { calls: [{ name: 'job_status', input: { jobId: bobJob.id } }] };
      if (!lastResult(s, 'predict')) return { calls: [{ name: 'predict', input: { model: slug, input: { smiles: 'CCO' } } }] };
      return { text: `Refused: ${errorOf(lastResult(s, 'job_status'))!.code} and ${errorOf(lastResult(s, 'predict'))!.code}.` };
    };
    const model = scriptedMockModel(script);
    const id = randomUUID();
    await sendChat(gw.deps, alice, id, userMessage("Show Bob's job and run his model"), model);
    const answer = await lastMessage(alice, id);
    expect(toolParts(answer, 'job_status')[0].output).toEqual({ error: { code: 'NOT_FOUND', message: `no job ${bobJob.id} visible to you` } });
    expect(toolParts(answer, 'predict')[0].output).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining(`no model named "${slug}"`) } });
    expect(textOf(answer)).toBe('Refused: NOT_FOUND and NOT_FOUND.');
    expect(JSON.stringify(model.doStreamCalls[1].prompt)).toContain(`no job ${bobJob.id} visible to you`);
    const calls = await caller(alice).agent.toolCalls({ conversationId: id });
    expect(calls.map((c) => [c.tool, c.outcome, c.errorCode])).toEqual([
      ['job_status', 'error', 'NOT_FOUND'],
      ['predict', 'error', 'NOT_FOUND'],
    ]);
  });
});
