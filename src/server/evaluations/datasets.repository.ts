import type { DbOrTx } from '../db/client';
import type { MeasuredRow } from './csv';

export interface Dataset {
  id: string;
  name: string;
  source: string;
  valueName: string;
  units: string | null;
  rowCount: number;
  ownerId: string | null;
  createdAt: string;
}

const toDataset = (r: {
  id: string;
  name: string;
  source: string;
  value_name: string;
  units: string | null;
  row_count: number;
  owner_id: string | null;
  created_at: Date;
}): Dataset => ({
  id: r.id,
  name: r.name,
  source: r.source,
  valueName: r.value_name,
  units: r.units,
  rowCount: r.row_count,
  ownerId: r.owner_id,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function insertDataset(
  db: DbOrTx,
  d: { ownerId: string | null; name: string; source: string; valueName: string; units: string | null; rows: MeasuredRow[] },
): Promise<Dataset> {
  const row = await db
    .insertInto('datasets')
    .values({ owner_id: d.ownerId, name: d.name, source: d.source, value_name: d.valueName, units: d.units, row_count: d.rows.length })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { id } = row;
  for (let i = 0; i < d.rows.length; i += 1000) {
    await db
      .insertInto('dataset_rows')
      .values(d.rows.slice(i, i + 1000).map((r, k) => ({ dataset_id: id, row_index: i + k, smiles: r.smiles, measured: r.measured })))
      .execute();
  }
  return toDataset(row);
}

/** Datasets the user may use: their own and the shared ones (no owner). */
export async function listDatasets(db: DbOrTx, ownerId: string): Promise<Dataset[]> {
  const rows = await db
    .selectFrom('datasets')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', ownerId), eb('owner_id', 'is', null)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toDataset);
}

export async function findDataset(db: DbOrTx, id: string): Promise<Dataset | undefined> {
  const row = await db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDataset(row);
}

export async function findSharedDatasetBySource(db: DbOrTx, source: string): Promise<Dataset | undefined> {
  const row = await db.selectFrom('datasets').selectAll().where('source', '=', source).where('owner_id', 'is', null).executeTakeFirst();
  return row && toDataset(row);
}

export async function datasetRows(db: DbOrTx, id: string): Promise<(MeasuredRow & { index: number })[]> {
  const rows = await db.selectFrom('dataset_rows').select(['row_index', 'smiles', 'measured']).where('dataset_id', '=', id).orderBy('row_index').execute();
  return rows.map((r) => ({ index: r.row_index, smiles: r.smiles, measured: r.measured }));
}
