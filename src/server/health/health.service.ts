import { sql } from 'kysely';
import { chemistryHealth } from '../chem/rdkit';
import type { Deps } from '../deps';

export interface Health {
  ok: boolean;
  database: { ok: boolean; error?: string };
  /** The web process's RDKit threads parse a molecule right now. */
  chemistry: { ok: boolean; error?: string };
}

async function databaseHealth({ db }: Pick<Deps, 'db'>): Promise<Health['database']> {
  try {
    await sql`select 1`.execute(db);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Whether this web process can serve: its database answers and its chemistry threads parse a SMILES. */
export async function checkHealth(deps: Pick<Deps, 'db'>): Promise<Health> {
  const [database, chemistry] = await Promise.all([databaseHealth(deps), chemistryHealth()]);
  return { ok: database.ok && chemistry.ok, database, chemistry };
}
