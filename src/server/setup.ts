import { createDb } from './db/client';
import { migrateToLatest } from './db/migrate';
import { seedReferenceDatasets } from './evaluations/evaluations.service';
import { seedBuiltInModels } from './models/builtins.service';
import { createBoss, ensureQueues } from './queue/boss';
import { sealStoredSecrets } from './secrets/seal-stored-secrets.service';
import { applyInitialSignUpSetting, issueSetupToken } from './users/signup.service';

/**
 * Brings a database up to date: our migrations, pg-boss's schema and queues, sealed secrets,
 * built-in models. While it has no account, it answers a fresh one-time set-up token for the
 * first (admin) account, which the caller prints.
 */
export async function prepareDatabase(url: string, log: (line: string) => void = () => {}): Promise<{ setupToken: string | null }> {
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
    // A new installation may start with open sign-up (GATEWAY_OPEN_SIGNUP=1, e.g. for the e2e suite).
    await applyInitialSignUpSetting(db, process.env.GATEWAY_OPEN_SIGNUP === '1');
    return { setupToken: await issueSetupToken(db) };
  } finally {
    await db.destroy();
  }
}
