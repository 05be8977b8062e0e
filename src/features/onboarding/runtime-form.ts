import type { RuntimeSpec } from '@/lib/types';
import { formatCommandLine, formatEnvLines, formatHeaderLines, parseCommandLine, parseEnvLines, parseHeaderLines } from './command-line';

/**
 * The runtimes a model owner registers here (consensus models are built from other models
 * elsewhere): an uploaded bundle run in the sandbox, a command on the worker host (admins), a
 * served model, an image.
 */
export type RuntimeKind = 'bundle' | 'process' | 'http' | 'kubernetes';
type HttpRuntime = Extract<RuntimeSpec, { kind: 'http' }>;
type ProcessRuntime = Extract<RuntimeSpec, { kind: 'process' }>;

/** The runtime step's fields, as typed; built into a runtime spec on save. */
export interface RuntimeForm {
  kind: RuntimeKind;
  commandLine: string;
  cwd: string;
  envText: string;
  url: string;
  protocol: HttpRuntime['protocol'];
  model: string;
  image: string;
  imageCommand: string;
  /** The uploaded bundle's digest (`sha256:…`). */
  bundle: string;
  /** `Name: value` lines; stored values come back masked, and a masked value keeps what is stored. */
  headersText: string;
  /** Set on an earlier save outside the wizard (the SDK, a manifest); carried over unchanged. */
  imageEnv?: Record<string, string>;
  sandbox?: Pick<ProcessRuntime, 'network' | 'limits'>;
}

export function runtimeFormFrom(r: RuntimeSpec | undefined): RuntimeForm {
  const form: RuntimeForm = {
    kind: r?.kind === 'http' || r?.kind === 'kubernetes' ? r.kind : r?.kind === 'process' && !r.bundle ? 'process' : 'bundle',
    commandLine: '',
    cwd: '',
    envText: '',
    url: '',
    protocol: 'oip-v2',
    model: '',
    headersText: '',
    image: '',
    imageCommand: '',
    bundle: '',
  };
  if (r?.kind === 'process') {
    const sandbox = r.network !== undefined || r.limits ? { network: r.network, limits: r.limits } : undefined;
    return { ...form, commandLine: formatCommandLine(r.command), cwd: r.cwd ?? '', envText: formatEnvLines(r.env), bundle: r.bundle ?? '', sandbox };
  }
  if (r?.kind === 'http') return { ...form, url: r.url, protocol: r.protocol, model: r.model ?? '', headersText: formatHeaderLines(r.headers) };
  if (r?.kind === 'kubernetes') return { ...form, image: r.image, imageCommand: formatCommandLine(r.command ?? []), imageEnv: r.env };
  return form;
}

export type RuntimeErrors = Partial<Record<'bundle' | 'commandLine' | 'cwd' | 'envText' | 'url' | 'model' | 'headersText' | 'image' | 'imageCommand', string>>;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The HTTP runtime the form describes (headers left out while their lines do not parse). */
export function httpRuntimeOf(f: RuntimeForm): HttpRuntime {
  const parsed = parseHeaderLines(f.headersText);
  const headers = 'headers' in parsed && Object.keys(parsed.headers).length ? parsed.headers : undefined;
  return {
    kind: 'http',
    url: f.url.trim(),
    protocol: f.protocol,
    ...(f.protocol === 'oip-v2' && f.model.trim() ? { model: f.model.trim() } : {}),
    ...(headers ? { headers } : {}),
  };
}

/** The runtime spec the form describes, or a message per field that needs fixing. */
export function buildRuntime(f: RuntimeForm): { runtime: RuntimeSpec } | { errors: RuntimeErrors } {
  const errors: RuntimeErrors = {};
  if (f.kind === 'process' || f.kind === 'bundle') {
    const inBundle = f.kind === 'bundle';
    if (inBundle && !/^sha256:[0-9a-f]{64}$/.test(f.bundle)) errors.bundle = 'upload the model folder as a .tar.gz or .zip';
    const cmd = parseCommandLine(f.commandLine);
    if ('error' in cmd) errors.commandLine = cmd.error;
    else if (cmd.argv.length === 0) errors.commandLine = 'type the command that starts the model, e.g. python3 main.py';
    const cwd = f.cwd.trim().replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (inBundle && (cwd.startsWith('/') || cwd.split('/').includes('..'))) errors.cwd = 'a folder inside the bundle, relative to its root, e.g. src';
    if (!inBundle && cwd && !cwd.startsWith('/')) errors.cwd = 'give an absolute path on the worker, starting with /';
    const env = parseEnvLines(f.envText);
    if ('error' in env) errors.envText = env.error;
    if (Object.keys(errors).length || 'error' in cmd || 'error' in env) return { errors };
    return {
      runtime: {
        kind: 'process',
        command: cmd.argv,
        ...(inBundle ? { bundle: f.bundle } : {}),
        ...(cwd && cwd !== '.' ? { cwd } : {}),
        ...(Object.keys(env.env).length ? { env: env.env } : {}),
        ...(inBundle ? f.sandbox : {}),
      },
    };
  }
  if (f.kind === 'http') {
    if (!isHttpUrl(f.url.trim())) errors.url = 'give the server’s base URL, e.g. http://10.0.0.5:8080';
    if (f.protocol === 'oip-v2' && !f.model.trim()) errors.model = 'give the name the server serves the model under';
    const headers = parseHeaderLines(f.headersText);
    if ('error' in headers) errors.headersText = headers.error;
    return Object.keys(errors).length ? { errors } : { runtime: httpRuntimeOf(f) };
  }
  if (!f.image.trim()) errors.image = 'give the container image, e.g. ghcr.io/acme/docking:1.4';
  const cmd = parseCommandLine(f.imageCommand);
  if ('error' in cmd) errors.imageCommand = cmd.error;
  if (Object.keys(errors).length || 'error' in cmd) return { errors };
  return {
    runtime: {
      kind: 'kubernetes',
      image: f.image.trim(),
      ...(cmd.argv.length ? { command: cmd.argv } : {}),
      ...(f.imageEnv ? { env: f.imageEnv } : {}),
    },
  };
}

/** The example input: a SMILES (the common case) or any JSON object. */
export interface ExampleForm {
  mode: 'smiles' | 'json';
  smiles: string;
  json: string;
}

export function exampleFormFrom(example: Record<string, unknown> | null | undefined): ExampleForm {
  const keys = Object.keys(example ?? {});
  if (!example || (keys.length === 1 && typeof example.smiles === 'string')) {
    return { mode: 'smiles', smiles: (example?.smiles as string | undefined) ?? '', json: '' };
  }
  return { mode: 'json', smiles: '', json: JSON.stringify(example, null, 2) };
}

export function buildExample(f: ExampleForm): { example: Record<string, unknown> } | { error: string } {
  if (f.mode === 'smiles') {
    const smiles = f.smiles.trim();
    if (!smiles) return { error: 'type a SMILES the model should be able to answer, e.g. c1ccccc1O' };
    if (/\s/.test(smiles)) return { error: 'one SMILES, without spaces' };
    return { example: { smiles } };
  }
  let value: unknown;
  try {
    value = JSON.parse(f.json);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'the example input is a JSON object, e.g. {"smiles": "CCO"}' };
  if (Object.keys(value).length === 0) return { error: 'give the example at least one field' };
  return { example: value as Record<string, unknown> };
}

/** Switches the example between a SMILES box and raw JSON, carrying the value across. */
export function switchExampleMode(f: ExampleForm, mode: ExampleForm['mode']): ExampleForm {
  if (mode === f.mode) return f;
  if (mode === 'json') return { ...f, mode, json: JSON.stringify(f.smiles.trim() ? { smiles: f.smiles.trim() } : { smiles: '' }, null, 2) };
  const parsed = buildExample(f);
  const smiles = 'example' in parsed && typeof parsed.example.smiles === 'string' ? parsed.example.smiles : f.smiles;
  return { ...f, mode, smiles };
}
