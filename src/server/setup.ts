import { createDb } from './db/client';
import { migrateToLatest } from './db/migrate';
import { seedReferenceDatasets } from './evaluations/evaluations.service';
import { seedBuiltInModels } from './models/builtins.service';
import { createBoss, ensureQueues } from './queue/boss';
import { sealStoredSecrets } from './secrets/seal-stored-secrets.service';

/** Brings a database up to date: our migrations, pg-boss's schema and queues, sealed secrets, built-in models. */
export async function prepareDatabase(url: string, log: (line: string) => void = () => {}): Promise<void> {
  const { db } = createDb(url, 2);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    const boss = createBoss({ connectionString: url, role: 'setup', max: 2 });
    await boss.start();
    try {
      await ensureQueues(boss);
    } finally {
      await boss.stop({ graceful: false, close: true });
    }
    await sealStoredSecrets({ db }, log);
    const seeded = await seedBuiltInModels({ db }, (l) => log(`model ${l}`));
    log(`built-in models: ${seeded.join(', ')}`);
    await seedReferenceDatasets({ db }, log);
  } finally {
    await db.destroy();
  }
}
