/** A version's life: `draft → validated → published → deprecated`. */
export type VersionStatus = 'draft' | 'validated' | 'published' | 'deprecated';

/** Statuses a caller can run; deprecated versions still run for callers who name them. */
export const RUNNABLE_STATUSES = ['published', 'deprecated'] as const satisfies readonly VersionStatus[];
/** Statuses whose content may still change (a smoke test moves draft ↔ validated). */
export const EDITABLE_STATUSES = ['draft', 'validated'] as const satisfies readonly VersionStatus[];

export function isRunnable(status: VersionStatus): boolean {
  return (RUNNABLE_STATUSES as readonly VersionStatus[]).includes(status);
}

export function isEditable(status: VersionStatus): boolean {
  return (EDITABLE_STATUSES as readonly VersionStatus[]).includes(status);
}

/** The version a bare `slug` runs: the newest published one, else the newest deprecated one. */
export function latestRunnable<V extends { version: number; status: VersionStatus }>(versions: readonly V[]): V | undefined {
  const byNewest = [...versions].sort((a, b) => b.version - a.version);
  return byNewest.find((v) => v.status === 'published') ?? byNewest.find((v) => v.status === 'deprecated');
}
