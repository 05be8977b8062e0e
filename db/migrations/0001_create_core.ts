import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null unique,
      name text,
      password_hash text,
      role text not null default 'user' check (role in ('admin', 'user')),
      created_at timestamptz not null default now()
    );

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      token_prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_tokens_user_idx on api_tokens(user_id);

    create table models (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text not null,
      owner_id uuid references users(id) on delete set null,
      visibility text not null default 'public' check (visibility in ('public', 'private')),
      task text not null,
      description text not null default '',
      tags text[] not null default '{}',
      built_in boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table model_versions (
      id uuid primary key default gen_random_uuid(),
      model_id uuid not null references models(id) on delete cascade,
      version integer not null check (version > 0),
      status text not null default 'draft'
        check (status in ('draft', 'validated', 'published', 'deprecated')),
      runtime jsonb not null,
      -- json, not jsonb: a schema's property order is the author's display order.
      input_schema json not null,
      output_schema json not null,
      resources jsonb not null default '{}',
      batch_size integer not null check (batch_size between 1 and 10000),
      timeout_ms integer not null check (timeout_ms > 0),
      example json,
      digest text not null,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      unique (model_id, version)
    );

    create table jobs (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users(id) on delete cascade,
      model_version_id uuid not null references model_versions(id),
      status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      items_total integer not null,
      items_done integer not null default 0,
      items_failed integer not null default 0,
      tasks_total integer not null,
      tasks_done integer not null default 0,
      label text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now(),
      check (items_done + items_failed <= items_total)
    );
    create index jobs_owner_created_idx on jobs(owner_id, created_at desc);

    -- A task is the unit of queue work: at most batch_size items of one job.
    -- Inputs live here (not in the queue payload) so any executor can pull them by task id.
    create table tasks (
      id uuid primary key default gen_random_uuid(),
      job_id uuid not null references jobs(id) on delete cascade,
      task_index integer not null,
      items jsonb not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      attempts integer not null default 0,
      error text,
      started_at timestamptz,
      finished_at timestamptz,
      unique (job_id, task_index)
    );

    create table results (
      job_id uuid not null references jobs(id) on delete cascade,
      item_index integer not null,
      status text not null check (status in ('succeeded', 'failed')),
      input jsonb not null,
      submitted jsonb,
      output jsonb,
      error_code text,
      error text,
      task_id uuid references tasks(id) on delete set null,
      attempt integer not null default 1,
      duration_ms integer,
      executor text,
      version_digest text,
      created_at timestamptz not null default now(),
      primary key (job_id, item_index)
    );
    create index results_job_status_idx on results(job_id, status, item_index);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table results, tasks, jobs, model_versions, models, api_tokens, users cascade`.execute(db);
}
