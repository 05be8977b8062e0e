import { requireAdmin } from '../admin/require-admin';
import { readPricing } from '../cost/pricing';
import type { Deps } from '../deps';
import type { Viewer } from '../users/viewer';
import * as repo from './quotas.repository';
import { NO_LIMITS } from './quotas.repository';

/** The admin's quota page: the default limits, and every user's own limits (or the default) beside their usage. */
export async function listQuotaTable({ db }: Pick<Deps, 'db'>, viewer: Viewer) {
  requireAdmin(viewer, 'quotas');
  const [fallback, users] = await Promise.all([repo.findQuota(db, 'default'), repo.userQuotaTable(db)]);
  const defaults = fallback
    ? { concurrentJobs: fallback.concurrentJobs, itemsPerDay: fallback.itemsPerDay, cpuSecondsPerMonth: fallback.cpuSecondsPerMonth, gpuSecondsPerMonth: fallback.gpuSecondsPerMonth }
    : NO_LIMITS;
  return {
    currency: readPricing().currency,
    defaults,
    users: users.map((u) => ({ ...u, effective: u.own ?? defaults, source: u.own ? ('own' as const) : ('default' as const) })),
  };
}
