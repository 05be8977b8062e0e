import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { AppError, asInputRefusal, isAppError, isDatabaseOutage, toAppError, type ErrorCode } from '../errors';
import { auditedCall } from '../audit/audit-trail';
import type { AuditChannel } from '../db/types';
import type { Deps } from '../deps';
import { RateLimiter } from '../rate-limit';
import { maskSecrets } from '../secrets/runtime-secrets';
import { anonymousRateSettings, authRouteRateSettings, tokenRateSettings } from '../users/auth-settings';
import type { Viewer } from '../users/viewer';
import { scopesForRole, type TokenScope } from '../../shared/permissions';

/** What the HTTP request told us beyond its credential; absent for in-process callers (the agent's tools, tests). */
export interface RequestInfo {
  /** The client's address (rate limits of requests without a credential). */
  ip: string;
  /** False when a browser says the request came from another site (Origin, or Sec-Fetch-Site). */
  sameOrigin: boolean;
}

/**
 * Which surface a call came through: `ui` (the web app, by its session cookie), `api` (a Bearer
 * token over HTTP), `sdk` (the typed SDK, which says so in `x-gateway-client`), `agent` (the chat
 * agent's and MCP's server-side caller). The audit log records it.
 */
export type Channel = Exclude<AuditChannel, 'system'>;

export interface Context extends Deps {
  viewer: Viewer | null;
  request?: RequestInfo;
  /** Missing means `api`. */
  channel?: Channel;
  /** The request's `x-request-id` (echoed in the answer) or one made for it. */
  requestId?: string;
}

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  MODEL_ERROR: 'UNPROCESSABLE_CONTENT',
  MODEL_CRASHED: 'UNPROCESSABLE_CONTENT',
  MODEL_TIMEOUT: 'TIMEOUT',
  MODEL_PROTOCOL: 'UNPROCESSABLE_CONTENT',
  QUORUM_NOT_MET: 'UNPROCESSABLE_CONTENT',
  CANCELLED: 'CLIENT_CLOSED_REQUEST',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  TIMEOUT: 'TIMEOUT',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** tRPC's own refusals (malformed JSON, wrong method, unknown procedure, …) in our codes. */
const APP_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: 'INVALID_INPUT',
  BAD_REQUEST: 'INVALID_INPUT',
  METHOD_NOT_SUPPORTED: 'INVALID_INPUT',
  UNSUPPORTED_MEDIA_TYPE: 'INVALID_INPUT',
  UNPROCESSABLE_CONTENT: 'INVALID_INPUT',
  PRECONDITION_FAILED: 'CONFLICT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  TIMEOUT: 'TIMEOUT',
  CLIENT_CLOSED_REQUEST: 'CANCELLED',
  SERVICE_UNAVAILABLE: 'UNAVAILABLE',
  BAD_GATEWAY: 'UNAVAILABLE',
  GATEWAY_TIMEOUT: 'TIMEOUT',
};

/** The one place AppError becomes a tRPC (and so HTTP) error. */
export function toTRPCError(e: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODE[e.code], message: e.message, cause: e });
}

/** A refused input, as callers read it: `field.path: what is wrong` for each issue. */
export function describeZodError(e: ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

/**
 * A tRPC error as every caller sees it: our code and a message that says what to fix. The HTTP
 * error formatter and the agent's tools (which call procedures server-side) both use it.
 */
export function describeTRPCError(error: TRPCError): { code: ErrorCode; message: string } {
  const cause = error.cause;
  const zod = cause instanceof ZodError ? cause : null;
  const code: ErrorCode = isAppError(cause) ? cause.code : zod ? 'INVALID_INPUT' : (APP_CODE[error.code] ?? 'INTERNAL');
  const message = zod
    ? describeZodError(zod)
    : code === 'INTERNAL'
      ? 'something went wrong on the gateway; try again, and tell its operators if it persists'
      : error.message;
  return { code, message };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const { code: appCode, message } = describeTRPCError(error);
    return { ...shape, message, data: { ...shape.data, appCode, stack: undefined } };
  },
});

/** Services throw AppError; this turns it (or a database outage) into the mapped tRPC error. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (isAppError(cause)) throw toTRPCError(cause);
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseOutage(cause)) throw toTRPCError(toAppError(cause));
  const refusal = result.error.code === 'INTERNAL_SERVER_ERROR' ? asInputRefusal(cause) : null;
  if (refusal) {
    console.error('[trpc] an input reached the database or the stack unchecked:', cause);
    throw toTRPCError(refusal);
  }
  return result;
});

/**
 * No answer carries a secret, to anyone: whatever a procedure returns (a version, a model's
 * versions, a registration), runtime header and env values and any sealed value become the mask.
 */
const secretsMasked = t.middleware(async ({ next }) => {
  const result = await next();
  return result.ok ? { ...result, data: maskSecrets(result.data) } : result;
});

/**
 * Every mutation leaves exactly one audit entry: the one its service wrote in its own transaction,
 * or one recorded here when it ends, with its input and outcome (see `auditedCall`).
 */
const auditTrail = t.middleware(async ({ ctx, type, path, getRawInput, next }) => {
  if (type !== 'mutation') return next();
  return auditedCall(ctx, { procedure: path, rawInput: getRawInput }, () => next(), (result) =>
    result.ok ? { ok: true, data: result.data } : { ok: false, ...describeTRPCError(result.error) },
  );
});

const g = globalThis as unknown as { __gatewayLimiters?: { tokens: RateLimiter; anonymous: RateLimiter; auth: RateLimiter } };
/** Per-process token buckets: per API token, per address for calls without a credential, and per address for next-auth's routes. */
export const edgeLimiters = (g.__gatewayLimiters ??= {
  tokens: new RateLimiter(tokenRateSettings),
  anonymous: new RateLimiter(anonymousRateSettings),
  auth: new RateLimiter(authRouteRateSettings),
});

function refuse(e: AppError): never {
  throw toTRPCError(e);
}

/**
 * The edges every procedure shares: a token's request rate, an anonymous caller's rate per address,
 * and no mutation through a session cookie from another site (a forged form or script elsewhere).
 */
const edges = t.middleware(({ ctx, type, next }) => {
  const auth = ctx.viewer?.auth;
  const limited = auth?.kind === 'token' ? edgeLimiters.tokens.take(`token:${auth.tokenId}`) : !ctx.viewer && ctx.request ? edgeLimiters.anonymous.take(`ip:${ctx.request.ip}`) : { ok: true as const };
  if (!limited.ok) {
    refuse(
      new AppError('RATE_LIMITED', `too many requests ${auth?.kind === 'token' ? 'with this API token' : 'from this address'}; try again in ${limited.retryAfterSeconds} s`, {
        retryAfterSeconds: limited.retryAfterSeconds,
      }),
    );
  }
  if (type === 'mutation' && auth?.kind === 'session' && ctx.request && !ctx.request.sameOrigin) {
    refuse(new AppError('FORBIDDEN', 'a change made with a session cookie must come from this gateway\'s own pages; this request came from another site (its Origin does not match)'));
  }
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors).use(secretsMasked).use(edges).use(auditTrail);

/** Any signed-in caller, whatever its scopes (who am I, my own tokens). */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in, or send an API token as "Authorization: Bearer mgw_…"' });
  }
  return next({ ctx: { ...ctx, viewer: ctx.viewer } });
});

const SCOPE_VERB: Record<TokenScope, string> = {
  read: 'read the catalog, jobs and results',
  run: 'run models (predictions, jobs, evaluations)',
  register: 'register and change models',
  admin: 'administer the gateway',
};

/**
 * A signed-in caller whose credential carries `scope`: a token its scope (within its owner's
 * role), a session its role's (a viewer reads only; only admins administer).
 */
export function scopedProcedure(scope: TokenScope) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.viewer.scopes.includes(scope)) {
      const v = ctx.viewer;
      refuse(
        new AppError(
          'FORBIDDEN',
          scopesForRole(v.role).includes(scope)
            ? `this API token lacks the "${scope}" scope (it has ${v.scopes.join(', ') || 'none'}); create a token that may ${SCOPE_VERB[scope]} on the settings page`
            : scope === 'admin'
              ? 'only administrators may do this'
              : `your account's role (${v.role}) may not ${SCOPE_VERB[scope]}; ask an administrator for another role`,
        ),
      );
    }
    return next();
  });
}

/** Reading: the catalog, a model, jobs and results, evaluations. */
export const readProcedure = scopedProcedure('read');
/** Running models: predictions, jobs, evaluations, datasets. */
export const runProcedure = scopedProcedure('run');
/** Registering and changing models: drafts, versions, aliases, sharing. */
export const registerProcedure = scopedProcedure('register');
/** Administrators only (with a token: one carrying the `admin` scope). */
export const adminProcedure = scopedProcedure('admin').use(({ ctx, next }) => {
  if (ctx.viewer.role !== 'admin') refuse(new AppError('FORBIDDEN', 'only administrators may do this'));
  return next();
});
/** A signed-in browser session (not an API token): making tokens, so no token can mint another. */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.auth.kind === 'token') refuse(new AppError('FORBIDDEN', 'API tokens are created from a signed-in session (the settings page), not with another token'));
  return next();
});
