import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The organisation is the installation: one row of settings. Every account creation locks it,
    -- so "the first account becomes the admin" holds under concurrency.
    create table organisation_settings (
      id boolean primary key default true check (id),
      name text not null default 'Model Gateway',
      signup_open boolean not null default false,
      -- Addresses at these domains may sign up while sign-up is otherwise closed.
      signup_domains text[] not null default '{}',
      -- A one-time token for creating the first (admin) account, printed by npm start; only its hash.
      setup_token_hash text,
      setup_token_expires_at timestamptz,
      updated_by uuid references users(id) on delete set null,
      updated_at timestamptz not null default now()
    );
    insert into organisation_settings (id) values (true);

    alter table users drop constraint users_role_check;
    update users set role = 'member' where role = 'user';
    alter table users
      alter column role set default 'member',
      add constraint users_role_check check (role in ('admin', 'maintainer', 'member', 'viewer')),
      add column disabled_at timestamptz;

    create table teams (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      description text not null default '',
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create unique index teams_name_lower_idx on teams (lower(name));

    create table team_members (
      team_id uuid not null references teams(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      added_by uuid references users(id) on delete set null,
      added_at timestamptz not null default now(),
      primary key (team_id, user_id)
    );
    create index team_members_user_idx on team_members(user_id);

    -- Visibility: private (owner and grants), team (the owning team), organisation (every account).
    -- Models that were public stay visible to everyone.
    alter table models drop constraint models_visibility_check;
    update models set visibility = 'organisation' where visibility = 'public';
    alter table models
      alter column visibility set default 'private',
      add constraint models_visibility_check check (visibility in ('private', 'team', 'organisation')),
      add column team_id uuid references teams(id) on delete set null,
      -- Moving the production alias waits for an approver (a maintainer or an admin).
      add column production_requires_approval boolean not null default false;
    create index models_team_idx on models(team_id) where team_id is not null;

    create table model_grants (
      id uuid primary key default gen_random_uuid(),
      model_id uuid not null references models(id) on delete cascade,
      user_id uuid references users(id) on delete cascade,
      team_id uuid references teams(id) on delete cascade,
      level text not null check (level in ('view', 'run', 'maintain')),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      check ((user_id is null) <> (team_id is null))
    );
    create unique index model_grants_user_idx on model_grants(model_id, user_id) where user_id is not null;
    create unique index model_grants_team_idx on model_grants(model_id, team_id) where team_id is not null;
    create index model_grants_grantee_user_idx on model_grants(user_id) where user_id is not null;
    create index model_grants_grantee_team_idx on model_grants(team_id) where team_id is not null;

    create table invitations (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      role text not null check (role in ('admin', 'maintainer', 'member', 'viewer')),
      team_ids uuid[] not null default '{}',
      token_hash text not null unique,
      invited_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_user_id uuid references users(id) on delete set null,
      revoked_at timestamptz
    );
    create index invitations_email_idx on invitations(lower(email));

    -- Browser sessions: the session cookie names a row here, checked on every request, so signing
    -- out (or an admin's revocation) ends it at once.
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip text,
      user_agent text
    );
    create index sessions_user_idx on sessions(user_id, created_at desc);

    -- Existing tokens keep what they could do; new ones name their scopes.
    alter table api_tokens
      add column scopes text[] not null default '{read,run,register,admin}',
      add column expires_at timestamptz,
      add constraint api_tokens_scopes_check check (scopes <@ array['read', 'run', 'register', 'admin']::text[] and cardinality(scopes) > 0);
    alter table api_tokens alter column scopes set default '{read}';

    -- Failed sign-ins per account and per address, so a lockout holds across web processes.
    create table sign_in_throttle (
      key text primary key,
      failures integer not null default 0,
      window_started_at timestamptz not null default now(),
      locked_until timestamptz
    );

    -- Controlled promotion: a move of a protected alias waits here for an approver.
    create table promotion_requests (
      id uuid primary key default gen_random_uuid(),
      model_id uuid not null references models(id) on delete cascade,
      alias text not null,
      from_version_id uuid references model_versions(id) on delete set null,
      to_version_id uuid references model_versions(id) on delete cascade,
      requested_by uuid references users(id) on delete set null,
      reason text not null default '',
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
      decided_by uuid references users(id) on delete set null,
      decided_at timestamptz,
      decision_note text not null default '',
      created_at timestamptz not null default now()
    );
    create unique index promotion_requests_one_pending_idx on promotion_requests(model_id, alias) where status = 'pending';
    create index promotion_requests_status_idx on promotion_requests(status, created_at desc);

    -- Every alias move: who, from, to, when, why (and who approved it). Append-only.
    create table alias_events (
      id bigserial primary key,
      model_id uuid not null references models(id) on delete cascade,
      alias text not null,
      from_version_id uuid references model_versions(id) on delete set null,
      to_version_id uuid references model_versions(id) on delete set null,
      -- Numbers are kept too: the history reads the same after a version is gone.
      from_version integer,
      to_version integer,
      actor_id uuid references users(id) on delete set null,
      approved_by uuid references users(id) on delete set null,
      request_id uuid references promotion_requests(id) on delete set null,
      reason text not null default '',
      created_at timestamptz not null default now()
    );
    create index alias_events_model_idx on alias_events(model_id, created_at desc, id desc);

    create index evaluations_job_idx on evaluations(job_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index evaluations_job_idx;
    drop table alias_events, promotion_requests, sign_in_throttle, sessions, invitations, model_grants, team_members, teams cascade;
    alter table api_tokens drop constraint api_tokens_scopes_check, drop column scopes, drop column expires_at;
    alter table models drop constraint models_visibility_check, drop column team_id, drop column production_requires_approval;
    update models set visibility = 'public' where visibility in ('organisation', 'team');
    alter table models alter column visibility set default 'public', add constraint models_visibility_check check (visibility in ('public', 'private'));
    alter table users drop constraint users_role_check, drop column disabled_at;
    update users set role = 'user' where role <> 'admin';
    alter table users alter column role set default 'user', add constraint users_role_check check (role in ('admin', 'user'));
    drop table organisation_settings;
  `.execute(db);
}
