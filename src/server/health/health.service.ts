import { sql } from 'kysely';
import type { Deps } from '../deps';

export interface Health {
  ok: boolean;
  database: { ok: boolean; error?: string };
}

/** Whether this web process can serve: its database answers. */
export async function checkHealth({ db }: Pick<Deps, 'db'>): Promise<Health> {
  try {
    await sql`select 1`.execute(db);
    return { ok: true, database: { ok: true } };
  } catch (e) {
    return { ok: false, database: { ok: false, error: (e as Error).message } };
  }
}
