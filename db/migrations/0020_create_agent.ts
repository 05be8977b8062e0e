import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A chat with the agent, per user; its messages are the AI SDK's UI messages as JSON.
    create table agent_conversations (
      id uuid primary key,
      owner_id uuid not null references users(id) on delete cascade,
      title text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index agent_conversations_owner_idx on agent_conversations(owner_id, updated_at desc);

    create table agent_messages (
      conversation_id uuid not null references agent_conversations(id) on delete cascade,
      id text not null,
      seq integer not null,
      role text not null check (role in ('user', 'assistant')),
      message jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (conversation_id, id),
      unique (conversation_id, seq)
    );

    -- Every approval the server asked for: who, what, with which arguments, when, and what became of it.
    -- A tool that needs one runs only by claiming an approved row (approved -> executed), so once.
    create table agent_approvals (
      id text primary key,
      conversation_id uuid not null references agent_conversations(id) on delete cascade,
      owner_id uuid not null references users(id) on delete cascade,
      tool_call_id text not null,
      tool text not null,
      arguments jsonb not null,
      reason text,
      status text not null default 'pending' check (status in ('pending', 'approved', 'denied', 'executed')),
      requested_at timestamptz not null default now(),
      decided_at timestamptz,
      executed_at timestamptz,
      unique (conversation_id, tool_call_id)
    );

    -- Every tool call made by the agent (chat or MCP), and refused attempts: until the audit log exists.
    create table agent_tool_calls (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users(id) on delete cascade,
      surface text not null check (surface in ('chat', 'mcp')),
      conversation_id uuid references agent_conversations(id) on delete set null,
      tool_call_id text,
      tool text not null,
      arguments jsonb not null,
      outcome text not null check (outcome in ('ok', 'error', 'refused')),
      error_code text,
      error_message text,
      approval_id text,
      duration_ms integer,
      created_at timestamptz not null default now()
    );
    create index agent_tool_calls_owner_idx on agent_tool_calls(owner_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table agent_tool_calls, agent_approvals, agent_messages, agent_conversations`.execute(db);
}
