/** The part of a viewer that permission rules read. */
export interface ViewerLike {
  id: string;
  role: string;
}

/** Who may change a model (its info, versions and aliases): its owner, or an admin; only admins change built-ins. */
export function mayEditModel(viewer: ViewerLike | null | undefined, model: { builtIn: boolean; ownerId: string | null }): boolean {
  if (!viewer) return false;
  return viewer.role === 'admin' || (!model.builtIn && model.ownerId === viewer.id);
}
