import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The API token a job was submitted with (null for a session or an in-process caller), so a
    -- token's webhooks hear of the jobs it submits.
    alter table jobs add column token_id uuid references api_tokens(id) on delete set null;

    -- Where to tell a user about a job's lifecycle: one job's, or every job one of their tokens submits.
    create table webhooks (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users(id) on delete cascade,
      url text not null,
      -- Sealed (AES-256-GCM under GATEWAY_SECRET_KEY): the key of the deliveries' HMAC signatures.
      secret text not null,
      job_id uuid references jobs(id) on delete cascade,
      token_id uuid references api_tokens(id) on delete cascade,
      events text[] not null default '{started,progress,succeeded,failed,cancelled}',
      -- A progress event each time this many percent more of the job's items have ended.
      progress_step integer not null default 10 check (progress_step between 1 and 100),
      created_at timestamptz not null default now(),
      -- Deleted by its owner: sends nothing more; its deliveries stay in the log.
      disabled_at timestamptz,
      check (num_nonnulls(job_id, token_id) = 1)
    );
    create index webhooks_job_idx on webhooks(job_id) where disabled_at is null and job_id is not null;
    create index webhooks_token_idx on webhooks(token_id) where disabled_at is null and token_id is not null;
    create index webhooks_owner_idx on webhooks(owner_id, created_at desc);

    -- One event sent (or to be sent) to one webhook; its id is the receiver's idempotency key.
    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      webhook_id uuid not null references webhooks(id) on delete cascade,
      job_id uuid references jobs(id) on delete cascade,
      event text not null check (event in ('started', 'progress', 'succeeded', 'failed', 'cancelled')),
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      last_status_code integer,
      last_error text,
      next_attempt_at timestamptz,
      -- A replay is a new delivery of an earlier one's payload.
      replay_of uuid references webhook_deliveries(id) on delete set null,
      created_at timestamptz not null default now(),
      delivered_at timestamptz
    );
    create index webhook_deliveries_webhook_idx on webhook_deliveries(webhook_id, created_at desc, id desc);
    create index webhook_deliveries_job_idx on webhook_deliveries(job_id, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table webhook_deliveries;
    drop table webhooks;
    alter table jobs drop column token_id;
  `.execute(db);
}
