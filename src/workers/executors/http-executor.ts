import { randomUUID } from 'node:crypto';
import type { TaskItem } from '../../server/db/types';
import { AppError, type ErrorCode } from '../../server/errors';
import type { RunOutcome } from '../../server/jobs/jobs.types';
import { callModelServer, oipUrl } from '../../server/models/http-health';
import type { THttpRuntime } from '../../server/models/models.schema';
import type { ModelVersion } from '../../server/models/models.types';
import type { Executor, RunOptions } from '../../server/jobs/executor';
import { effectiveTimeoutMs } from '../limits';
import { decodeInferResponse, encodeInferRequest, groupByFields, isObject } from './oip';

/** A request's fate that is the same for every item in it. */
type Reply = { body: unknown; durationMs: number } | { fail: { code: ErrorCode; error: string }; durationMs: number };

const EXPECTED = {
  json: '{"predictions":[…]} with one entry per instance, in order',
  'oip-v2': '{"outputs":[{"name","shape","datatype","data"}]} (Open Inference Protocol v2) with one row per input',
};

/** What to fix, for a 4xx the server gave. */
function refusalHint(status: number, runtime: THttpRuntime): string {
  if (status === 400 || status === 422) return "check that the version's input schema matches what the served model expects";
  if (status === 401 || status === 403) return 'check the credentials in runtime.headers';
  if (status === 404 || status === 405) return runtime.protocol === 'oip-v2' ? 'check runtime.url and runtime.model' : 'check runtime.url: it must accept POST';
  if (status === 413) return "lower the version's batchSize";
  return 'check the model server';
}

/**
 * Runs models already served over HTTP: one request per task (per group of items sharing the same
 * fields, for oip-v2). The server's trouble maps onto the queue's policy: 5xx and broken
 * connections are thrown as transient (retried), a timeout is thrown as final, a 4xx or a redirect
 * fails the items with the status and a hint, and a malformed 2xx fails them as a protocol error.
 * No message quotes the server's body (only a per-item `{"error"}` of the json protocol, which is
 * the model's answer for that item), and a URL outside the outbound allow-list is never called.
 */
export class HttpExecutor implements Executor {
  readonly kind = 'http';

  async run(version: ModelVersion, items: TaskItem[], o: RunOptions = {}): Promise<RunOutcome[]> {
    const outcomes = await this.runAll(version, items, o.signal);
    // A cancelled job's answers are not written: it is over.
    return o.signal?.aborted ? [] : outcomes;
  }

  private async runAll(version: ModelVersion, items: TaskItem[], signal?: AbortSignal): Promise<RunOutcome[]> {
    const runtime = version.runtime;
    if (runtime.kind !== 'http') throw new Error(`http executor cannot run a ${runtime.kind} runtime`);
    if (items.length === 0) return [];
    if (runtime.protocol === 'json') return this.runJson(version, runtime, items, signal);
    if (!runtime.model) {
      throw new AppError('INVALID_INPUT', `${version.slug}@${version.version}: runtime.model is required for protocol "oip-v2"; set it to the name the server serves the model under`);
    }
    const groups = await Promise.all(groupByFields(items).map((group) => this.runOip(version, runtime, group, signal)));
    return groups.flat();
  }

  private async runJson(version: ModelVersion, runtime: THttpRuntime, items: TaskItem[], signal?: AbortSignal): Promise<RunOutcome[]> {
    const reply = await this.post(runtime, runtime.url, { instances: items.map((i) => i.input) }, effectiveTimeoutMs(version.timeoutMs), signal);
    if ('fail' in reply) return items.map((i) => ({ index: i.index, ...reply.fail, durationMs: reply.durationMs }));
    const { durationMs } = reply;
    const predictions = isObject(reply.body) ? reply.body.predictions : undefined;
    const problem = !Array.isArray(predictions)
      ? 'the body has no "predictions" array'
      : predictions.length !== items.length
        ? `it holds ${predictions.length} predictions for ${items.length} instances`
        : undefined;
    if (problem) return this.protocolFailure(runtime, runtime.url, items, problem, durationMs);
    return items.map((item, i): RunOutcome => {
      const p = (predictions as unknown[])[i];
      if (isObject(p) && typeof p.error === 'string') return { index: item.index, code: 'MODEL_ERROR', error: p.error, durationMs };
      if (isObject(p)) return { index: item.index, output: p, durationMs };
      const got = p === null ? 'null' : Array.isArray(p) ? 'an array' : `a ${typeof p}`;
      return {
        index: item.index,
        code: 'MODEL_PROTOCOL',
        error: `the model server at ${runtime.url} answered ${got} for this instance; each prediction must be an object of output fields, or {"error": "…"}`,
        durationMs,
      };
    });
  }

  private async runOip(version: ModelVersion, runtime: THttpRuntime, items: TaskItem[], signal?: AbortSignal): Promise<RunOutcome[]> {
    const url = oipUrl(runtime, `models/${encodeURIComponent(runtime.model!)}/infer`);
    // The id lets the server's logs be matched to a gateway task.
    const id = `${version.slug}@${version.version}:${items[0].index}-${items[items.length - 1].index}:${randomUUID().slice(0, 8)}`;
    const request = encodeInferRequest(id, items.map((i) => i.input), version.inputSchema);
    const reply = await this.post(runtime, url, request, effectiveTimeoutMs(version.timeoutMs), signal);
    if ('fail' in reply) return items.map((i) => ({ index: i.index, ...reply.fail, durationMs: reply.durationMs }));
    const decoded = decodeInferResponse(reply.body, items.length);
    if ('problem' in decoded) return this.protocolFailure(runtime, url, items, decoded.problem, reply.durationMs);
    return items.map((item, i) => ({ index: item.index, output: decoded.outputs[i], durationMs: reply.durationMs }));
  }

  private protocolFailure(runtime: THttpRuntime, url: string, items: TaskItem[], problem: string, durationMs: number): RunOutcome[] {
    const error = `the model server at ${url} answered, but ${problem}; expected ${EXPECTED[runtime.protocol]}`;
    return items.map((i) => ({ index: i.index, code: 'MODEL_PROTOCOL', error, durationMs }));
  }

  /** POSTs JSON; throws what the queue should retry or stop on, returns what fails the items. */
  private async post(runtime: THttpRuntime, url: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<Reply> {
    // Sealed header values are opened by the transport, for this request only.
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...runtime.headers };
    const call = await callModelServer(url, { method: 'POST', headers, body: JSON.stringify(body) }, timeoutMs, signal);
    const { durationMs } = call;
    if ('failure' in call) {
      const { kind, message } = call.failure;
      // Not retried: the allow-list or the headers will not change by themselves.
      if (kind === 'refused') return { fail: { code: 'FORBIDDEN', error: `${message}; nothing was sent` }, durationMs };
      if (kind === 'too-large') return { fail: { code: 'MODEL_PROTOCOL', error: `${message}; lower the version's batchSize` }, durationMs };
      if (kind === 'network') throw new AppError('UNAVAILABLE', message, { url });
      // Not retried: a model that is too slow once is too slow again, and would hold the queue.
      throw new AppError('MODEL_TIMEOUT', `${message}; raise the version's timeoutMs, or lower its batchSize if the server is just slow`, { url, timeoutMs });
    }
    const { status, text } = call.answer;
    // Overload and rate limits are the server asking to be tried again later.
    if (status >= 500 || status === 429 || status === 408) {
      throw new AppError('UNAVAILABLE', `the model server at ${url} answered HTTP ${status}; check the server's logs`, { url, status });
    }
    if (status >= 300 && status < 400) {
      const error = `the model server at ${url} answered HTTP ${status}, a redirect, which the gateway does not follow; set runtime.url to the address that answers`;
      return { fail: { code: 'MODEL_ERROR', error }, durationMs };
    }
    if (status >= 400) {
      const code = status === 400 || status === 422 ? 'INVALID_INPUT' : 'MODEL_ERROR';
      return { fail: { code, error: `the model server at ${url} refused the request with HTTP ${status}; ${refusalHint(status, runtime)}` }, durationMs };
    }
    if (status < 200 || status >= 300) {
      return { fail: { code: 'MODEL_PROTOCOL', error: `the model server at ${url} answered HTTP ${status}; expected 200 with ${EXPECTED[runtime.protocol]}` }, durationMs };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { fail: { code: 'MODEL_PROTOCOL', error: `the model server at ${url} answered HTTP ${status} with a body that is not JSON; expected ${EXPECTED[runtime.protocol]}` }, durationMs };
    }
    // Some servers report a failure as 200 with {"error": "…"}: that is the model's own error.
    if (isObject(parsed) && typeof parsed.error === 'string' && !('outputs' in parsed) && !('predictions' in parsed)) {
      return { fail: { code: 'MODEL_ERROR', error: `the model server at ${url} answered HTTP ${status} with an error instead of ${EXPECTED[runtime.protocol]}; check the server's logs` }, durationMs };
    }
    return { body: parsed, durationMs };
  }

  async close(): Promise<void> {
    // Nothing held: fetch's connection pool is shared and idles out by itself.
  }
}
