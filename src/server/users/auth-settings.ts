/**
 * Identity's edge settings, each from an environment variable, read when used. docs/governance-identity.md lists them.
 */

const num = (name: string, fallback: number, min = 0) => {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(v) && v >= min ? v : fallback;
};

export interface SignInThrottleSettings {
  /** Failed sign-ins for one email within the window before that email is locked. */
  maxFailuresPerAccount: number;
  /** Failed sign-ins from one address within the window before that address is locked. */
  maxFailuresPerAddress: number;
  windowMs: number;
  lockoutMs: number;
}

export function signInThrottleSettings(): SignInThrottleSettings {
  return {
    maxFailuresPerAccount: num('GATEWAY_SIGNIN_MAX_FAILURES', 5, 1),
    maxFailuresPerAddress: num('GATEWAY_SIGNIN_MAX_FAILURES_PER_IP', 20, 1),
    windowMs: num('GATEWAY_SIGNIN_WINDOW_MINUTES', 15, 1) * 60_000,
    lockoutMs: num('GATEWAY_SIGNIN_LOCKOUT_MINUTES', 15, 1) * 60_000,
  };
}

/** How long a browser session lives, from sign-in (signing out or an admin's revocation ends it sooner). */
export function sessionMaxAgeSeconds(): number {
  return Math.round(num('GATEWAY_SESSION_DAYS', 30, 0.001) * 86_400);
}

/** Requests per second (and burst) per API token. */
export function tokenRateSettings() {
  return { ratePerSecond: num('GATEWAY_TOKEN_RATE', 50, 0.01), burst: num('GATEWAY_TOKEN_BURST', 1000, 1) };
}

/** Requests per second (and burst) per address for requests without a credential: sign-in, sign-up, invitations, anonymous API calls. */
export function anonymousRateSettings() {
  return { ratePerSecond: num('GATEWAY_ANON_RATE', 10, 0.01), burst: num('GATEWAY_ANON_BURST', 200, 1) };
}

/** Requests per second (and burst) per address to next-auth's routes (sign-in, sign-out, the session the pages poll). */
export function authRouteRateSettings() {
  return { ratePerSecond: num('GATEWAY_AUTH_RATE', 20, 0.01), burst: num('GATEWAY_AUTH_BURST', 300, 1) };
}

/** How long an invitation link stays valid by default. */
export const DEFAULT_INVITATION_DAYS = 7;
/** How long the first-admin set-up token stays valid. */
export const SETUP_TOKEN_HOURS = 24 * 7;
