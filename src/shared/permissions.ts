/**
 * Who may see, run and change a model, and what a role and a credential may do: one home for
 * these rules, applied by the server's services and by the client's views alike. The SQL filter
 * of model lists (src/server/models/model-access.ts) mirrors `modelAccess` for `view`, and a test
 * holds the two to the same answers.
 */

export type Role = 'admin' | 'maintainer' | 'member' | 'viewer';
export type TokenScope = 'read' | 'run' | 'register' | 'admin';
export type ModelVisibility = 'private' | 'team' | 'organisation';
export type GrantLevel = 'view' | 'run' | 'maintain';
/** What a viewer may do with a model, each level including those before it. */
export type ModelAccess = 'none' | GrantLevel;

export const ROLES: readonly Role[] = ['admin', 'maintainer', 'member', 'viewer'];
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'run', 'register', 'admin'];
export const VISIBILITIES: readonly ModelVisibility[] = ['private', 'team', 'organisation'];
export const GRANT_LEVELS: readonly GrantLevel[] = ['view', 'run', 'maintain'];

/** The part of a viewer that permission rules read. */
export interface ViewerLike {
  id: string;
  role: string;
  teamIds?: readonly string[];
}

/** The facts about a model that decide who may use it. */
export interface ModelAccessFacts {
  builtIn: boolean;
  ownerId: string | null;
  visibility?: ModelVisibility;
  teamId?: string | null;
  /** The highest grant the viewer holds on the model, directly or through a team; null for none. */
  viewerGrant?: GrantLevel | null;
}

const RANK: Record<ModelAccess, number> = { none: 0, view: 1, run: 2, maintain: 3 };
const atLeast = (a: ModelAccess, b: ModelAccess) => RANK[a] >= RANK[b];
const max = (...levels: ModelAccess[]): ModelAccess => levels.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'none');

/** What each role may do at most, whatever a token says: a viewer only reads. */
export const ROLE_SCOPES: Record<Role, readonly TokenScope[]> = {
  admin: ['read', 'run', 'register', 'admin'],
  maintainer: ['read', 'run', 'register'],
  member: ['read', 'run', 'register'],
  viewer: ['read'],
};

export function scopesForRole(role: string): readonly TokenScope[] {
  return ROLE_SCOPES[role as Role] ?? [];
}

/** A token's scopes as they count: those it was given that its owner's role still allows. */
export function effectiveScopes(role: string, tokenScopes: readonly string[]): TokenScope[] {
  const allowed = scopesForRole(role);
  return TOKEN_SCOPES.filter((s) => allowed.includes(s) && tokenScopes.includes(s));
}

/**
 * What `viewer` may do with `model`:
 * - admins maintain every model;
 * - built-ins are run by everyone (maintained by admins only);
 * - the owner maintains their model;
 * - `organisation` models are run by every account; `team` models by the members of the owning team;
 * - maintainers (the role) maintain the `team` and `organisation` models of their teams;
 * - a grant (to the user, or to a team they are in) gives its level, whatever the visibility;
 * - a `viewer` account never gets past `view`.
 */
export function modelAccess(viewer: ViewerLike | null | undefined, model: ModelAccessFacts): ModelAccess {
  if (!viewer) return 'none';
  if (viewer.role === 'admin') return 'maintain';
  const visibility = model.visibility ?? 'private';
  const inTeam = !!model.teamId && (viewer.teamIds ?? []).includes(model.teamId);
  const shared = visibility === 'organisation' || (visibility === 'team' && inTeam);
  const level = max(
    model.builtIn ? 'run' : 'none',
    !model.builtIn && model.ownerId === viewer.id ? 'maintain' : 'none',
    shared ? 'run' : 'none',
    !model.builtIn && inTeam && visibility !== 'private' && viewer.role === 'maintainer' ? 'maintain' : 'none',
    !model.builtIn ? (model.viewerGrant ?? 'none') : 'none',
  );
  return viewer.role === 'viewer' ? (atLeast(level, 'view') ? 'view' : 'none') : level;
}

export const mayViewModel = (viewer: ViewerLike | null | undefined, model: ModelAccessFacts) => atLeast(modelAccess(viewer, model), 'view');
export const mayRunModel = (viewer: ViewerLike | null | undefined, model: ModelAccessFacts) => atLeast(modelAccess(viewer, model), 'run');

/** Who may change a model (its info, versions, aliases and sharing): those who maintain it. */
export function mayEditModel(viewer: ViewerLike | null | undefined, model: ModelAccessFacts): boolean {
  return atLeast(modelAccess(viewer, model), 'maintain');
}

export function hasAccess(access: ModelAccess, needed: ModelAccess): boolean {
  return atLeast(access, needed);
}

/**
 * Who may approve a move of a protected alias: an admin, or a maintainer (the role) who maintains
 * the model, and never the one who asked for the move.
 */
export function mayApprovePromotion(viewer: ViewerLike | null | undefined, model: ModelAccessFacts, requestedBy: string | null): boolean {
  if (!viewer || viewer.id === requestedBy) return false;
  if (viewer.role === 'admin') return true;
  return viewer.role === 'maintainer' && mayEditModel(viewer, model);
}

/** Whether a move of `alias` on this model waits for an approver when `viewer` makes it. */
export function aliasMoveNeedsApproval(viewer: ViewerLike, model: { productionRequiresApproval?: boolean }, alias: string): boolean {
  return alias === 'production' && !!model.productionRequiresApproval && viewer.role !== 'admin';
}
