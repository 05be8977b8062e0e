import type { ErrorCode } from '../errors';
import type { THttpRuntime } from './models.schema';

/** An HTTP answer of any status, read in full. */
export interface ServerAnswer {
  status: number;
  text: string;
}

/** Why no HTTP answer came: the deadline passed, or the connection could not be made or broke. */
export interface TransportFailure {
  kind: 'timeout' | 'network';
  message: string;
}

export type ServerCall = ({ answer: ServerAnswer } | { failure: TransportFailure }) & { durationMs: number };

/** `{url}/v2/…` for an Open Inference Protocol v2 server, whatever trailing slash `url` has. */
export function oipUrl(runtime: Pick<THttpRuntime, 'url'>, path: string): string {
  return `${runtime.url.replace(/\/+$/, '')}/v2/${path}`;
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening there; check that the server is running and the host and port in the URL',
  ENOTFOUND: 'the host name does not resolve (DNS); check the host in the URL',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS); check the host in the URL',
  ECONNRESET: 'the server closed the connection before answering; check its logs (it may have crashed or restarted)',
  UND_ERR_SOCKET: 'the server closed the connection before answering; check its logs (it may have crashed or restarted)',
  EHOSTUNREACH: 'the host is unreachable from the worker; check the URL and the network between them',
  ETIMEDOUT: 'the connection attempt timed out; check the URL and that the worker can reach that network',
  UND_ERR_CONNECT_TIMEOUT: 'the connection attempt timed out; check the URL and that the worker can reach that network',
};

function networkCode(e: unknown): string | undefined {
  // undici wraps the socket error as `cause`; several addresses give an AggregateError.
  const cause = (e as { cause?: { code?: string; errors?: { code?: string }[] } })?.cause;
  return cause?.code ?? cause?.errors?.[0]?.code;
}

function describeNetworkError(url: string, e: unknown): string {
  const code = networkCode(e);
  const hint = code && NETWORK_HINTS[code];
  if (hint) return `could not reach the model server at ${url}: ${hint} (${code})`;
  const cause = (e as { cause?: Error })?.cause?.message ?? (e as Error)?.message ?? String(e);
  return `could not reach the model server at ${url}: ${cause}; check the URL and that the server is up`;
}

/**
 * One request to a model server with a deadline covering the whole answer, body included. Never
 * throws: a transport failure is returned, described for the person who registered the URL.
 */
export async function callModelServer(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<ServerCall> {
  const controller = new AbortController();
  cancel?.addEventListener('abort', () => controller.abort(), { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    const text = await res.text();
    return { answer: { status: res.status, text }, durationMs: performance.now() - started };
  } catch (e) {
    const durationMs = performance.now() - started;
    if (timedOut) return { failure: { kind: 'timeout', message: `the model server at ${url} did not answer within ${timeoutMs} ms` }, durationMs };
    return { failure: { kind: 'network', message: describeNetworkError(url, e) }, durationMs };
  } finally {
    clearTimeout(timer);
  }
}

/** A tensor as OIP v2 model metadata describes it. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export type HttpModelCheck = { ok: true; metadata?: OipModelMetadata } | { ok: false; code: ErrorCode; message: string };

/** The server's own words from an error body (`{"error"}`, `{"message"}`, `{"detail"}` or text), shortened. */
export function serverErrorText(text: string, max = 500): string {
  let said: unknown = text;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    said = body?.error ?? body?.message ?? body?.detail ?? text;
  } catch {
    /* not JSON: the text itself */
  }
  const s = (typeof said === 'string' ? said : JSON.stringify(said)).trim();
  if (!s) return '(empty body)';
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function failed(call: ServerCall & { failure: TransportFailure }): HttpModelCheck {
  return { ok: false, code: call.failure.kind === 'timeout' ? 'MODEL_TIMEOUT' : 'UNAVAILABLE', message: call.failure.message };
}

/**
 * Checks, at onboarding, that an HTTP model answers. For oip-v2: the server is ready and serves
 * `runtime.model`, whose tensor metadata is returned. For json there is no standard probe, so
 * any HTTP answer to a GET (even 404 or 405) proves the server is reachable. Never throws.
 */
export async function checkHttpModel(runtime: THttpRuntime, timeoutMs: number): Promise<HttpModelCheck> {
  const headers = runtime.headers ?? {};
  if (runtime.protocol === 'json') {
    const call = await callModelServer(runtime.url, { method: 'GET', headers }, timeoutMs);
    return 'failure' in call ? failed(call) : { ok: true };
  }
  if (!runtime.model) {
    return { ok: false, code: 'INVALID_INPUT', message: 'runtime.model is required for protocol "oip-v2": the name the server serves the model under' };
  }
  const readyUrl = oipUrl(runtime, 'health/ready');
  const ready = await callModelServer(readyUrl, { method: 'GET', headers }, timeoutMs);
  if ('failure' in ready) return failed(ready);
  if (ready.answer.status !== 200) {
    const code = ready.answer.status === 401 || ready.answer.status === 403 ? 'FORBIDDEN' : 'UNAVAILABLE';
    return {
      ok: false,
      code,
      message: `GET ${readyUrl} answered HTTP ${ready.answer.status} (${serverErrorText(ready.answer.text, 200)}), not 200: ${
        code === 'FORBIDDEN' ? 'check the credentials in runtime.headers' : 'the server is not ready, or is not an Open Inference Protocol v2 server at this URL'
      }`,
    };
  }
  const metaUrl = oipUrl(runtime, `models/${encodeURIComponent(runtime.model)}`);
  const meta = await callModelServer(metaUrl, { method: 'GET', headers }, timeoutMs);
  if ('failure' in meta) return failed(meta);
  if (meta.answer.status !== 200) {
    return {
      ok: false,
      code: meta.answer.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE',
      message: `GET ${metaUrl} answered HTTP ${meta.answer.status} (${serverErrorText(meta.answer.text, 200)}): check that the server serves a model named "${runtime.model}"`,
    };
  }
  let body: Partial<OipModelMetadata>;
  try {
    body = JSON.parse(meta.answer.text);
  } catch {
    return { ok: false, code: 'MODEL_PROTOCOL', message: `GET ${metaUrl} did not answer JSON model metadata; is this an Open Inference Protocol v2 server?` };
  }
  return {
    ok: true,
    metadata: {
      name: typeof body?.name === 'string' ? body.name : runtime.model,
      versions: body?.versions,
      platform: body?.platform,
      inputs: Array.isArray(body?.inputs) ? body.inputs : [],
      outputs: Array.isArray(body?.outputs) ? body.outputs : [],
    },
  };
}
