import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Model code, content-addressed: "sha256:<hex>" of the archive exactly as uploaded. Its
    -- bytes are in bundle_blobs (store 'db') or in an S3-compatible bucket (store 's3').
    create table bundles (
      digest text primary key check (digest ~ '^sha256:[0-9a-f]{64}$'),
      store text not null check (store in ('db', 's3')),
      format text not null check (format in ('tar.gz', 'zip')),
      size_bytes bigint not null,
      unpacked_bytes bigint not null,
      files integer not null,
      manifest json,
      uploaded_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create table bundle_blobs (
      digest text primary key check (digest ~ '^sha256:[0-9a-f]{64}$'),
      content bytea not null
    );

    -- An admin's leave for a version that declares "network": true to reach the network.
    alter table model_versions add column network_allowed boolean not null default false;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table model_versions drop column network_allowed;
    drop table bundle_blobs, bundles;
  `.execute(db);
}
