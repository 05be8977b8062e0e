import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Every mutation, who made it, through which channel, its before and after. Each entry carries
    -- the hash of the one before it (sha256 over a canonical serialisation of the entry and that
    -- hash), so changing, removing or reordering an entry breaks the chain from there on.
    create table audit_log (
      seq bigint primary key,
      id uuid not null unique default gen_random_uuid(),
      at timestamptz not null,
      actor_id uuid,
      actor_email text,
      actor_role text,
      channel text not null check (channel in ('ui', 'api', 'sdk', 'agent', 'system')),
      request_id text,
      procedure text,
      action text not null,
      entity_type text,
      entity_id text,
      before jsonb,
      after jsonb,
      input jsonb,
      outcome text not null check (outcome in ('ok', 'error')),
      error_code text,
      error_message text,
      prev_hash text not null,
      hash text not null unique
    );
    create index audit_log_at_idx on audit_log(at desc);
    create index audit_log_actor_idx on audit_log(actor_id, seq desc);
    create index audit_log_entity_idx on audit_log(entity_type, entity_id, seq desc);
    create index audit_log_action_idx on audit_log(action, seq desc);

    -- The chain's head: one row, locked FOR UPDATE by every append, so appends are serialised
    -- and two concurrent mutations can never both link to the same previous entry.
    create table audit_head (
      singleton boolean primary key default true check (singleton),
      seq bigint not null,
      hash text not null
    );
    insert into audit_head (singleton, seq, hash) values (true, 0, repeat('0', 64));

    -- Append-only: the application has one database role, so it cannot be denied UPDATE and
    -- DELETE by a grant; this trigger refuses them (and TRUNCATE) for everyone instead. Only the
    -- table's owner can disable it, and doing so is itself what audit:verify then catches.
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is refused', tg_op using errcode = '42501';
    end
    $$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log, audit_head; drop function audit_log_append_only();`.execute(db);
}
