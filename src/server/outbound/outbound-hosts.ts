import { AppError } from '../errors';

/**
 * The hosts the gateway may call (health checks of served models, HTTP model calls), from
 * GATEWAY_OUTBOUND_HOSTS: comma-separated entries, each a host name (`models.internal`), a
 * wildcard (`*.example.com`: any name under example.com, not example.com itself), an IPv4 literal
 * or an IPv6 literal (`[fd00::5]` or `fd00::5`), optionally with `:port` (otherwise any port).
 * Empty or unset: nothing is allowed.
 */
export interface HostRule {
  /** Canonical host as the WHATWG URL parser writes it (lower case, punycode, IPv6 in brackets), without a trailing dot. */
  host: string;
  wildcard: boolean;
  port: number | null;
}

export const OUTBOUND_SETTING = 'GATEWAY_OUTBOUND_HOSTS';

const trimDot = (host: string) => host.replace(/\.$/, '');

/** A host as URLs write it, or null when it is not one. */
function canonicalHost(host: string): string | null {
  try {
    const u = new URL(`http://${host}/`);
    // Anything that moved into another part of the URL (`a@b`, `a/b`, `a?b`) is not a host.
    if (u.username || u.password || u.port || u.pathname !== '/' || u.search || u.hash) return null;
    return trimDot(u.hostname);
  } catch {
    return null;
  }
}

function parseEntry(raw: string): HostRule {
  const entry = raw.trim().toLowerCase();
  const bad = (why: string) =>
    new AppError('INTERNAL', `${OUTBOUND_SETTING}: "${raw.trim()}" ${why}; write host names, *.domain wildcards or IP literals, each with an optional :port`);
  if (entry === '*') throw bad('would allow every host, which the gateway does not offer');
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  if (/[/@?#\s\\]/.test(rest)) throw bad('is not a host');
  let host: string;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) [host, port] = [`[${v6[1]}]`, v6[2]];
  else if ((rest.match(/:/g) ?? []).length > 1) host = `[${rest}]`; // a bare IPv6 literal, no port
  else [host, port] = rest.split(':') as [string, string | undefined];
  const canonical = canonicalHost(host);
  if (!canonical || canonical.includes('*')) throw bad('is not a host');
  if (wildcard && (canonical.startsWith('[') || /^[\d.]+$/.test(canonical))) throw bad('is a wildcard of an IP address');
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) throw bad('has a port outside 1–65535');
  return { host: canonical, wildcard, port: port === undefined ? null : Number(port) };
}

export function parseOutboundHosts(setting: string | undefined): HostRule[] {
  return (setting ?? '').split(',').filter((e) => e.trim()).map(parseEntry);
}

function matches(rules: HostRule[], host: string, port: number): boolean {
  return rules.some((r) => (r.wildcard ? host.endsWith(`.${r.host}`) : host === r.host) && (r.port === null || r.port === port));
}

export type OutboundCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Whether the gateway may call `url`: http or https, no credentials in it, and its host (and port)
 * in the allow-list. Decided on the parsed URL, the same parse the request then uses.
 */
export function checkOutboundUrl(url: string, setting: string | undefined = process.env[OUTBOUND_SETTING]): OutboundCheck {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: `"${url.slice(0, 200)}" is not a URL` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: `only http:// and https:// URLs can be called, not ${u.protocol}//` };
  if (u.username || u.password) {
    return {
      ok: false,
      reason: 'the URL holds a user name or password, which everyone who sees the model could read; put credentials in runtime.headers (e.g. authorization) instead',
    };
  }
  let rules: HostRule[];
  try {
    rules = parseOutboundHosts(setting);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const host = trimDot(u.hostname);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (!matches(rules, host, port)) {
    return {
      ok: false,
      reason: `the host ${host}${u.port ? `:${u.port}` : ''} is not in ${OUTBOUND_SETTING}, the hosts this gateway may call; ask an administrator to add it`,
    };
  }
  return { ok: true, url: u };
}

/** Refuses, as INVALID_INPUT naming the host and the setting, a runtime whose URL the gateway may not call. */
export function assertOutboundAllowed(runtime: { kind: string; url?: string }): void {
  if (runtime.kind !== 'http' || runtime.url === undefined) return;
  const check = checkOutboundUrl(runtime.url);
  if (!check.ok) throw new AppError('INVALID_INPUT', `runtime.url: ${check.reason}`);
}
