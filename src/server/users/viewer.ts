import type { Role, TokenScope } from '../../shared/permissions';

export type { Role, TokenScope };

/** How a request proved who it is. */
export type ViewerAuth =
  | { kind: 'session'; sessionId: string }
  | { kind: 'token'; tokenId: string }
  /** In-process callers built from a user id (tests, scripts, seeding): no credential to check. */
  | { kind: 'internal' };

/**
 * Who is asking: resolved from a session cookie or a Bearer token on every request, so a changed
 * role, team or revoked credential counts at once. Services take it and decide; repositories filter by it.
 */
export interface Viewer {
  id: string;
  email: string;
  role: Role;
  /** The teams the account belongs to. */
  teamIds: string[];
  /** What this credential may do: a token's own scopes within what the role allows; a session all its role allows. */
  scopes: TokenScope[];
  auth: ViewerAuth;
}
