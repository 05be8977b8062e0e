import path from 'node:path';
import type { Db } from '../src/server/db/client';
import { loadManifest } from '../src/server/models/manifest';
import { registerFromManifest } from '../src/server/models/models.service';
import { registerUser } from '../src/server/users/users.service';
import type { Viewer } from '../src/server/users/viewer';

export const fixtureModelsDir = path.resolve(import.meta.dirname, 'fixtures/models');

/** Registers a test model from test/fixtures/models/<name>. */
export async function registerFixtureModel(db: Db, name: 'echo' | 'crash' | 'hang' | 'garbage') {
  const { manifest, codeDigest } = await loadManifest(path.join(fixtureModelsDir, name));
  return registerFromManifest(db, manifest, { ownerId: null, builtIn: false, codeDigest });
}

let n = 0;
export async function createUser(db: Db, label = 'user'): Promise<Viewer> {
  return registerUser(db, { email: `${label}-${Date.now()}-${n++}@example.test`, password: 'correct horse battery' });
}
