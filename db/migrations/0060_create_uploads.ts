import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A file a user sent (CSV, TSV, SMILES or SDF, maybe gzipped), parsed into rows while it
    -- streamed in, previewed, then submitted as one screen.
    create table uploads (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users(id) on delete cascade,
      filename text not null,
      format text not null check (format in ('csv', 'tsv', 'smi', 'sdf')),
      gzip boolean not null default false,
      status text not null default 'receiving' check (status in ('receiving', 'ready', 'failed', 'used')),
      rows_total integer not null default 0,
      rows_bad integer not null default 0,
      bytes bigint not null default 0,
      id_column text,
      smiles_column text,
      error text,
      -- The job it was submitted as (status 'used').
      job_id uuid references jobs(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index uploads_owner_idx on uploads (owner_id, created_at desc);

    -- One line (CSV/TSV/SMI) or record (SDF) of an upload: good rows are numbered 0.. in file order
    -- (their item index in the job), bad ones keep their line number and the reason.
    create table upload_rows (
      upload_id uuid not null references uploads(id) on delete cascade,
      line_no integer not null,
      row_index integer,
      external_id text,
      smiles text,
      molblock text,
      error text,
      primary key (upload_id, line_no)
    );
    create index upload_rows_good_idx on upload_rows (upload_id, row_index) where error is null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table upload_rows; drop table uploads`.execute(db);
}
