import type { DbOrTx } from '../db/client';

export async function getSettings(db: DbOrTx) {
  return db.selectFrom('organisation_settings').selectAll().where('id', '=', true).executeTakeFirstOrThrow();
}

export async function updateSettings(db: DbOrTx, patch: { signupOpen?: boolean; signupDomains?: string[]; name?: string }, by: string | null) {
  return db
    .updateTable('organisation_settings')
    .set({
      ...(patch.signupOpen === undefined ? {} : { signup_open: patch.signupOpen }),
      ...(patch.signupDomains === undefined ? {} : { signup_domains: patch.signupDomains }),
      ...(patch.name === undefined ? {} : { name: patch.name }),
      updated_by: by,
      updated_at: new Date(),
    })
    .where('id', '=', true)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setSetupToken(db: DbOrTx, hash: string | null, expiresAt: Date | null): Promise<void> {
  await db.updateTable('organisation_settings').set({ setup_token_hash: hash, setup_token_expires_at: expiresAt }).where('id', '=', true).execute();
}
