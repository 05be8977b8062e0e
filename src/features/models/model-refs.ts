import type { ModelDetail, ModelVersion } from '@/lib/types';
import { isRunnable, latestRunnable } from '@/shared/version-status';

/** A way to name a runnable version: an alias (`production`) or a number (`3`), the part after `slug@`. */
export interface RefOption {
  ref: string;
  label: string;
  version: ModelVersion;
}

/** Aliases first (what callers usually name), then every runnable version, newest first. */
export function refOptions(model: ModelDetail): RefOption[] {
  const byNumber = new Map(model.versions.map((v) => [v.version, v]));
  const aliases = Object.entries(model.aliases)
    .map(([alias, n]) => ({ alias, version: byNumber.get(n) }))
    .filter((a): a is { alias: string; version: ModelVersion } => !!a.version && isRunnable(a.version.status))
    .map((a) => ({ ref: a.alias, label: `@${a.alias} → v${a.version.version}`, version: a.version }));
  const versions = [...model.versions]
    .filter((v) => isRunnable(v.status))
    .sort((a, b) => b.version - a.version)
    .map((v) => ({ ref: String(v.version), label: `v${v.version}${v.status === 'deprecated' ? ' (deprecated)' : ''}`, version: v }));
  return [...aliases, ...versions];
}

/** The `production` alias when there is one, else the newest published version. */
export function defaultRef(model: ModelDetail): string | undefined {
  const options = refOptions(model);
  if (options.some((o) => o.ref === 'production')) return 'production';
  const latest = latestRunnable(model.versions);
  return latest ? String(latest.version) : undefined;
}

/** Alias names per version number, for chips beside each version. */
export function aliasesByVersion(model: ModelDetail): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const [alias, n] of Object.entries(model.aliases)) map.set(n, [...(map.get(n) ?? []), alias]);
  return map;
}
