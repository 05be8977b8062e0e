import { randomUUID } from 'node:crypto';
import type { Channel } from './trpc';

/** The header a client names itself in: the SDK sends `sdk`, the web app `web`. */
export const CLIENT_HEADER = 'x-gateway-client';
export const REQUEST_ID_HEADER = 'x-request-id';

const REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** The caller's `x-request-id` when it is a plain token of up to 128 characters, else a fresh one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get(REQUEST_ID_HEADER)?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Which surface a request came through. A session cookie is the web UI; a Bearer token is a script
 * (`api`), or the SDK when it says so. Without either (sign-up), the client's own header decides.
 * The header is a label the client gives, never a permission: it only names the channel.
 */
export function channelOf(headers: Headers, auth: 'session' | 'token' | 'internal' | null): Channel {
  const client = headers.get(CLIENT_HEADER)?.toLowerCase();
  if (auth === 'session') return 'ui';
  if (client === 'sdk') return 'sdk';
  if (auth === 'token') return 'api';
  return client === 'web' ? 'ui' : 'api';
}
