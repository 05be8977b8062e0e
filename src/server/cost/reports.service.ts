import { sql } from 'kysely';
import { z } from 'zod';
import { requireAdmin } from '../admin/require-admin';
import type { Deps } from '../deps';
import type { Viewer } from '../users/viewer';
import { readPricing } from './pricing';

export const ZCostReportInput = z.object({
  by: z.enum(['user', 'team', 'model']),
  /** UTC dates, inclusive; the current month when absent. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

export interface CostRow {
  key: string | null;
  label: string;
  jobs: number;
  items: number;
  cpuSeconds: number;
  gpuSeconds: number;
  cost: number;
}

/**
 * Admins: measured time and cost of the jobs submitted in a period, by user, team or model.
 * Top-level jobs only: a consensus job's figures already include its members'.
 */
export async function costReport({ db }: Pick<Deps, 'db'>, viewer: Viewer, input: z.infer<typeof ZCostReportInput>) {
  requireAdmin(viewer, 'cost reports');
  const now = new Date();
  const from = input.from ?? `${now.toISOString().slice(0, 7)}-01`;
  const to = input.to ?? now.toISOString().slice(0, 10);
  const key = input.by === 'user' ? sql`u.id::text` : input.by === 'team' ? sql`t.id::text` : sql`m.slug`;
  const label = input.by === 'user' ? sql`u.email` : input.by === 'team' ? sql`coalesce(t.name, '(no team)')` : sql`m.slug`;
  const { rows } = await sql<{ key: string | null; label: string; jobs: number; items: string; cpu: number; gpu: number; cost: string }>`
    select ${key} as key, ${label} as label, count(*)::int as jobs, sum(j.items_total) as items,
      sum(j.cpu_seconds) as cpu, sum(j.gpu_seconds) as gpu, sum(j.cost) as cost
    from jobs j join users u on u.id = j.owner_id left join teams t on t.id = j.team_id
      join model_versions v on v.id = j.model_version_id join models m on m.id = v.model_id
    where j.parent_job_id is null and j.created_at >= ${from}::date and j.created_at < ${to}::date + 1
    group by 1, 2 order by sum(j.cost) desc, 2 limit 1000`.execute(db);
  const out: CostRow[] = rows.map((r) => ({ key: r.key, label: r.label, jobs: r.jobs, items: Number(r.items), cpuSeconds: Number(r.cpu), gpuSeconds: Number(r.gpu), cost: Number(r.cost) }));
  const pricing = readPricing();
  return {
    by: input.by,
    from,
    to,
    currency: pricing.currency,
    prices: { cpuSecond: pricing.cpuSecond, gpuSecond: pricing.gpuSecond },
    rows: out,
    total: out.reduce((s, r) => ({ jobs: s.jobs + r.jobs, items: s.items + r.items, cpuSeconds: s.cpuSeconds + r.cpuSeconds, gpuSeconds: s.gpuSeconds + r.gpuSeconds, cost: s.cost + r.cost }), { jobs: 0, items: 0, cpuSeconds: 0, gpuSeconds: 0, cost: 0 }),
  };
}
