import type { ErrorCode } from '../errors';
import { checkOutboundUrl } from '../outbound/outbound-hosts';
import { openSecrets } from '../secrets/runtime-secrets';
import type { THttpRuntime } from './models.schema';

/** An HTTP answer of any status, read in full. */
export interface ServerAnswer {
  status: number;
  text: string;
}

/**
 * Why no usable HTTP answer came: the deadline passed, the connection could not be made or broke,
 * the gateway may not call that URL (nothing was sent), or the answer was larger than allowed.
 */
export interface TransportFailure {
  kind: 'timeout' | 'network' | 'refused' | 'too-large';
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

/** Our words only: a library's message can quote what was sent (a header's value). */
function describeNetworkError(url: string, e: unknown): string {
  const code = networkCode(e);
  const hint = code && NETWORK_HINTS[code];
  if (hint) return `could not reach the model server at ${url}: ${hint} (${code})`;
  const named = code && /^[A-Z0-9_]{2,60}$/.test(code) ? ` (${code})` : '';
  return `could not reach the model server at ${url}${named}; check the URL, that the server is up and, for https, its certificate`;
}

/** The body as text, or null once it passes `maxBytes` (the rest is not read). */
async function readCapped(res: Response, maxBytes: number): Promise<string | null> {
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface CallOptions {
  method: string;
  /** Values may be sealed secrets: they are opened here, for this request only. */
  headers?: Record<string, string>;
  body?: string;
  /** Largest answer read; a bigger one is a `too-large` failure. Default 64 MiB. */
  maxBytes?: number;
}

/**
 * One request to a model server with a deadline covering the whole answer, body included. The URL
 * must pass the outbound allow-list first (else nothing is sent), redirects are never followed
 * (a 3xx is returned as it is), and sealed header values are opened only for the request. A
 * transport failure is returned, described for the person who registered the URL; it throws only
 * when a stored secret cannot be opened (the gateway's key is not the one it was sealed under).
 */
export async function callModelServer(url: string, init: CallOptions, timeoutMs: number, cancel?: AbortSignal): Promise<ServerCall> {
  const started = performance.now();
  const allowed = checkOutboundUrl(url);
  if (!allowed.ok) return { failure: { kind: 'refused', message: allowed.reason }, durationMs: 0 };
  const opened = openSecrets(init.headers);
  let headers: Headers;
  try {
    headers = new Headers(opened);
  } catch {
    // Neither the value nor the library's message (which quotes it) goes any further.
    return { failure: { kind: 'refused', message: 'a value in runtime.headers cannot be sent in an HTTP header; set it again' }, durationMs: 0 };
  }
  const maxBytes = init.maxBytes ?? 64 * 1024 * 1024;
  const controller = new AbortController();
  cancel?.addEventListener('abort', () => controller.abort(), { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await fetch(allowed.url.href, { method: init.method, headers, body: init.body, signal: controller.signal, redirect: 'manual' });
    const text = await readCapped(res, maxBytes);
    const durationMs = performance.now() - started;
    if (text === null) {
      return { failure: { kind: 'too-large', message: `the model server at ${url} answered with more than ${Math.round(maxBytes / 1024 / 1024)} MiB` }, durationMs };
    }
    return { answer: { status: res.status, text }, durationMs };
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

const OIP_DATATYPES = new Set(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BF16', 'BYTES']);
const TOKEN = /^[\w.:/+-]{1,128}$/;
const token = (v: unknown): v is string => typeof v === 'string' && TOKEN.test(v);

/** Only what the protocol defines, each field checked, so no other text of the answer passes. */
function tensorsOf(v: unknown): TensorMetadata[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((t): t is TensorMetadata => token(t?.name) && OIP_DATATYPES.has(t?.datatype) && Array.isArray(t?.shape) && t.shape.length <= 8 && t.shape.every(Number.isInteger))
    .slice(0, 100)
    .map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
}

function metadataOf(text: string, model: string): OipModelMetadata | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const versions = Array.isArray(body.versions) ? body.versions.filter(token).slice(0, 20) : undefined;
  return { name: model, versions, platform: token(body.platform) ? body.platform : undefined, inputs: tensorsOf(body.inputs), outputs: tensorsOf(body.outputs) };
}

/** The one failure a check reports, whatever went wrong on the network or at the server. */
function unavailable(runtime: THttpRuntime): HttpModelCheck {
  const what = runtime.protocol === 'oip-v2' ? `as an Open Inference Protocol v2 server serving "${runtime.model}"` : 'over HTTP';
  return {
    ok: false,
    code: 'UNAVAILABLE',
    message: `the model server at ${runtime.url} did not answer ${what} (check the URL, ${runtime.protocol === 'oip-v2' ? 'the model name, ' : ''}the credentials in runtime.headers, that the server is up and that its host is allowed)`,
  };
}

const HEALTH_MAX_BYTES = 1024 * 1024;

/**
 * Checks, at onboarding and before a smoke test, that an HTTP model answers. For oip-v2: the server
 * is ready and serves `runtime.model`, whose tensor metadata (the protocol's fields only) is
 * returned. For json there is no standard probe, so any non-redirect answer to a GET proves the
 * server is reachable. It never tells the caller why a server did not answer (refused, timed out,
 * unknown host, wrong status or body) nor when: every such failure is the same UNAVAILABLE, given
 * at the deadline, so the check cannot map a network. Only a URL the gateway may not call is
 * refused for what it is, before anything is sent. Throws only when a stored secret cannot be
 * opened (a key problem of the gateway's own).
 */
export async function checkHttpModel(runtime: THttpRuntime, timeoutMs: number): Promise<HttpModelCheck> {
  const allowed = checkOutboundUrl(runtime.url);
  if (!allowed.ok) return { ok: false, code: 'FORBIDDEN', message: `runtime.url: ${allowed.reason}` };
  if (runtime.protocol === 'oip-v2' && !runtime.model) {
    return { ok: false, code: 'INVALID_INPUT', message: 'runtime.model is required for protocol "oip-v2": the name the server serves the model under' };
  }
  const deadline = performance.now() + timeoutMs;
  const get = async (url: string) => {
    const call = await callModelServer(url, { method: 'GET', headers: runtime.headers, maxBytes: HEALTH_MAX_BYTES }, Math.max(1, deadline - performance.now()));
    if ('answer' in call) return call.answer;
    // A header that cannot be sent, or a key that cannot open it, is ours to say.
    if (call.failure.kind === 'refused') return call.failure;
    return null;
  };
  const result = await (async (): Promise<HttpModelCheck | null> => {
    if (runtime.protocol === 'json') {
      const answer = await get(runtime.url);
      if (answer && 'kind' in answer) return { ok: false, code: 'INVALID_INPUT', message: answer.message };
      return answer && (answer.status < 300 || answer.status >= 400) ? { ok: true } : null;
    }
    const ready = await get(oipUrl(runtime, 'health/ready'));
    if (ready && 'kind' in ready) return { ok: false, code: 'INVALID_INPUT', message: ready.message };
    if (ready?.status !== 200) return null;
    const meta = await get(oipUrl(runtime, `models/${encodeURIComponent(runtime.model!)}`));
    const metadata = meta && 'status' in meta && meta.status === 200 ? metadataOf(meta.text, runtime.model!) : null;
    return metadata ? { ok: true, metadata } : null;
  })();
  if (result) return result;
  const left = deadline - performance.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  return unavailable(runtime);
}
