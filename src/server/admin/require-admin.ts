import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';

/**
 * The one check behind every accounting and operations procedure of the admin console. Today an
 * admin is `role === 'admin'`; when roles and scopes arrive it is the one line to change.
 */
export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.role === 'admin';
}

export function requireAdmin(viewer: Viewer | null, what = 'this'): asserts viewer is Viewer {
  if (!isAdmin(viewer)) throw new AppError('FORBIDDEN', `only administrators may see or change ${what}`);
}
