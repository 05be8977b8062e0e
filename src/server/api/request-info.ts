import { clientAddress } from './client-address';
import type { RequestInfo } from './trpc';

/** Origins besides the request's own host that may make cookie-authenticated changes (GATEWAY_ALLOWED_ORIGINS, comma-separated). */
function allowedOrigins(): string[] {
  const listed = (process.env.GATEWAY_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const own = process.env.NEXTAUTH_URL ? [new URL(process.env.NEXTAUTH_URL).origin] : [];
  return [...own, ...listed].map((o) => o.replace(/\/$/, '').toLowerCase());
}

/**
 * Whether a browser says this request came from another site. `Origin` must name this host (as the
 * request or a proxy's X-Forwarded-Host names it) or an allowed origin; without `Origin`,
 * `Sec-Fetch-Site: cross-site | same-site` says the same. Scripts and curl send neither.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get('origin');
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      return false;
    }
    const own = (headers.get('x-forwarded-host') ?? headers.get('host') ?? '').split(',')[0].trim().toLowerCase();
    return host === own || allowedOrigins().includes(origin.toLowerCase());
  }
  if (origin === 'null') return false;
  const site = headers.get('sec-fetch-site');
  return site !== 'cross-site' && site !== 'same-site';
}

export function requestInfo(headers: Headers): RequestInfo {
  return { ip: clientAddress(headers), sameOrigin: isSameOrigin(headers) };
}
