import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- What a subject's active top-level jobs (queued or running) hold, kept as sums so a quota
    -- check reads a few rows instead of passing over every queued job: how many there are, and
    -- the CPU-/GPU-seconds their estimates hold beyond what they measured (per job, never below 0).
    -- Kept by a trigger on jobs, so no path that creates, charges or ends a job can forget it.
    -- Each database connection adds its changes to a row of its own (shard = its backend pid):
    -- a submission holding its row until it commits never holds up the worker's charges or ends,
    -- and no two transactions ever wait on one another here. The rows of a subject add up to its
    -- total; the worker folds the rows of connections gone into shard 0 (fold_active_counters).
    -- numeric, so a job's adds and removes cancel exactly.
    create table active_counters (
      subject_type text not null check (subject_type in ('user', 'team')),
      subject_id uuid not null,
      shard integer not null,
      jobs bigint not null default 0,
      cpu_seconds numeric not null default 0,
      gpu_seconds numeric not null default 0,
      primary key (subject_type, subject_id, shard)
    );

    create function count_active_jobs() returns trigger language plpgsql as $$
    declare
      was boolean := tg_op = 'UPDATE' and old.parent_job_id is null and old.status in ('queued', 'running');
      now_active boolean := new.parent_job_id is null and new.status in ('queued', 'running');
      old_cpu numeric := 0; old_gpu numeric := 0; new_cpu numeric := 0; new_gpu numeric := 0;
    begin
      if was then
        old_cpu := greatest(coalesce(old.estimated_cpu_seconds, 0) - old.cpu_seconds, 0)::numeric;
        old_gpu := greatest(coalesce(old.estimated_gpu_seconds, 0) - old.gpu_seconds, 0)::numeric;
      end if;
      if now_active then
        new_cpu := greatest(coalesce(new.estimated_cpu_seconds, 0) - new.cpu_seconds, 0)::numeric;
        new_gpu := greatest(coalesce(new.estimated_gpu_seconds, 0) - new.gpu_seconds, 0)::numeric;
      end if;
      if was = now_active and old_cpu = new_cpu and old_gpu = new_gpu
        and (tg_op = 'INSERT' or (old.owner_id = new.owner_id and old.team_id is not distinct from new.team_id)) then
        return null;
      end if;
      insert into active_counters as a (subject_type, subject_id, shard, jobs, cpu_seconds, gpu_seconds)
        select v.type, v.id, pg_backend_pid(), sum(v.jobs), sum(v.cpu), sum(v.gpu)
        from (values
          ('user', case when was then old.owner_id end, -1, -old_cpu, -old_gpu),
          ('team', case when was then old.team_id end, -1, -old_cpu, -old_gpu),
          ('user', case when now_active then new.owner_id end, 1, new_cpu, new_gpu),
          ('team', case when now_active then new.team_id end, 1, new_cpu, new_gpu)
        ) as v(type, id, jobs, cpu, gpu)
        where v.id is not null
        group by v.type, v.id
        having sum(v.jobs) <> 0 or sum(v.cpu) <> 0 or sum(v.gpu) <> 0
        -- Users before teams, one order for every statement (no lock cycle between two rows).
        order by v.type desc, v.id
      on conflict (subject_type, subject_id, shard) do update set
        jobs = a.jobs + excluded.jobs, cpu_seconds = a.cpu_seconds + excluded.cpu_seconds, gpu_seconds = a.gpu_seconds + excluded.gpu_seconds;
      return null;
    end
    $$;
    create trigger jobs_count_active after insert on jobs
      for each row when (new.parent_job_id is null and new.status in ('queued', 'running'))
      execute function count_active_jobs();
    create trigger jobs_count_active_changes
      after update of status, cpu_seconds, gpu_seconds, estimated_cpu_seconds, estimated_gpu_seconds, owner_id, team_id, parent_job_id on jobs
      for each row when (old.parent_job_id is null or new.parent_job_id is null)
      execute function count_active_jobs();

    -- Folds the rows of connections that are gone into shard 0, keeping each subject's total.
    create function fold_active_counters() returns integer language sql as $$
      with gone as (
        delete from active_counters
        where shard <> 0 and shard not in (select pid from pg_stat_activity where pid is not null)
        returning subject_type, subject_id, jobs, cpu_seconds, gpu_seconds
      ), folded as (
        insert into active_counters as a (subject_type, subject_id, shard, jobs, cpu_seconds, gpu_seconds)
          select subject_type, subject_id, 0, sum(jobs), sum(cpu_seconds), sum(gpu_seconds) from gone
          group by subject_type, subject_id
        on conflict (subject_type, subject_id, shard) do update set
          jobs = a.jobs + excluded.jobs, cpu_seconds = a.cpu_seconds + excluded.cpu_seconds, gpu_seconds = a.gpu_seconds + excluded.gpu_seconds
        returning 1
      )
      select (select count(*) from gone)::integer
    $$;

    insert into active_counters (subject_type, subject_id, shard, jobs, cpu_seconds, gpu_seconds)
      select s.type, s.id, 0, count(*), sum(greatest(coalesce(j.estimated_cpu_seconds, 0) - j.cpu_seconds, 0)::numeric),
        sum(greatest(coalesce(j.estimated_gpu_seconds, 0) - j.gpu_seconds, 0)::numeric)
      from jobs j cross join lateral (values ('user', j.owner_id), ('team', j.team_id)) as s(type, id)
      where j.parent_job_id is null and j.status in ('queued', 'running') and s.id is not null
      group by s.type, s.id;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger jobs_count_active on jobs;
    drop trigger jobs_count_active_changes on jobs;
    drop function count_active_jobs();
    drop function fold_active_counters();
    drop table active_counters;
  `.execute(db);
}
