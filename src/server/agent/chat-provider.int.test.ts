import { randomUUID } from 'node:crypto';
import type { UIMessage } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, sendChat, textOf, toolParts, userMessage } from '../../../test/fixtures/agent/chat-client';
import { e2eScript } from '../../../test/fixtures/agent/e2e-script';
import { startScriptedOpenAIServer, type ScriptedServer } from '../../../test/fixtures/agent/openai-server';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import type { Viewer } from '../users/viewer';
import { agentModel } from './provider';

let gw: TestGateway;
let llm: ScriptedServer;
let alice: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  await createUser(gw.db, 'admin');
  alice = await createUser(gw.db, 'alice');
  llm = await startScriptedOpenAIServer(e2eScript);
});
afterAll(async () => {
  await llm?.close();
  await gw?.stop();
});

const lastMessage = async (id: string) => ((await createCaller({ ...gw.deps, viewer: alice }).agent.conversations.get({ id })).messages as unknown as UIMessage[]).at(-1)!;

describe('the openai-compatible provider against the loopback server (the e2e conversation)', () => {
  it('streams text, asks approval for the screen, then runs it and summarises, over the real wire format', async () => {
    const { model } = agentModel({ AGENT_PROVIDER: 'openai-compatible', AGENT_BASE_URL: llm.url, AGENT_MODEL: 'scripted' });
    const id = randomUUID();
    const hello = await sendChat(gw.deps, alice, id, userMessage('hello'), model!);
    expect(hello.errors).toEqual([]);
    expect(textOf(await lastMessage(id))).toMatch(/^Hello! I can search/);

    await sendChat(gw.deps, alice, id, userMessage('Screen the demo library'), model!);
    const asked = await lastMessage(id);
    expect(toolParts(asked, 'estimate_run')[0].state).toBe('output-available');
    expect(toolParts(asked, 'submit_screen')[0].state).toBe('approval-requested');
    // The provider sent our tools, as JSON Schemas, and the history as chat messages.
    const request = llm.requests.at(-1)!;
    expect(request.model).toBe('scripted');
    expect(JSON.stringify(request.tools)).toContain('"submit_screen"');

    const done = await sendChat(gw.deps, alice, id, answered(asked, true), model!);
    expect(done.errors).toEqual([]);
    expect(textOf(await lastMessage(id))).toMatch(/The screen succeeded: 12 of 12 molecules\. Top 3 by logP: 1\. CCCCCCCCCCCCCCCC \(logP \d/);
  });
});
