import type { Deps } from '../deps';
import * as repo from '../models/models.repository';
import { versionDigest } from '../models/models.service';
import { hasPlaintextSecrets, sealPlaintextSecrets } from './runtime-secrets';

/**
 * Seals the secret values of versions stored before secrets were sealed (a no-op once done), at
 * start-up, before anything reads them. A user's version gets the digest it would get registered
 * today, so registering its manifest again stays "unchanged"; built-ins are refreshed by seeding.
 */
export async function sealStoredSecrets({ db }: Pick<Deps, 'db'>, log: (line: string) => void = () => {}): Promise<number> {
  let sealed = 0;
  for (const v of await repo.listVersionsWithSecretMaps(db)) {
    if (!hasPlaintextSecrets(v.runtime)) continue;
    const runtime = sealPlaintextSecrets(v.runtime);
    await repo.replaceStoredRuntime(db, v.id, runtime, v.builtIn ? v.digest : versionDigest({ ...v, runtime }));
    sealed++;
  }
  if (sealed) log(`sealed the plaintext secrets of ${sealed} model version${sealed === 1 ? '' : 's'} stored before secrets were encrypted`);
  return sealed;
}
