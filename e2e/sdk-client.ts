/**
 * Drives the gateway through the typed SDK, as a user's script would. Run by sdk.spec.ts with
 * GATEWAY_URL and GATEWAY_TOKEN; prints a JSON summary and exits 0, or prints why and exits 1.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGatewayClient, GatewayError, type JobResult } from '../clients/typescript/src';

const LIBRARY = [
  'CCO',
  'CC(=O)Oc1ccccc1C(=O)O',
  'CN1C=NC2=C1C(=O)N(C(=O)N2C)C',
  'CC(C)Cc1ccc(cc1)C(C)C(=O)O',
  'CC(=O)Nc1ccc(O)cc1',
  'c1ccccc1',
  'Cc1ccccc1',
  'Oc1ccccc1',
  'c1ccc2ccccc2c1',
  'c1ccncc1',
  'NCCc1ccc(O)c(O)c1',
  'OC(=O)c1ccccc1O',
  'CN1CCC[C@H]1c1cccnc1',
  'CC(C)NCC(O)COc1cccc2ccccc12',
  'CCN(CC)CC(=O)Nc1c(C)cccc1C',
  'OC(=O)Cc1ccccc1Nc1c(Cl)cccc1Cl',
  'COc1ccc2cc(ccc2c1)C(C)C(=O)O',
  'CNCCC(Oc1ccc(cc1)C(F)(F)F)c1ccccc1',
  'CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc12',
  'Nc1ccc(cc1)S(N)(=O)=O',
];
const BUILT_IN = ['rdkit-descriptors', 'ocl-properties', 'esol-solubility'];

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function main() {
  const url = process.env.GATEWAY_URL;
  const token = process.env.GATEWAY_TOKEN;
  check(url && token, 'set GATEWAY_URL and GATEWAY_TOKEN');
  const gateway = createGatewayClient({ url, token });

  const models = await gateway.models.list({ limit: 100 });
  const slugs = models.items.map((m) => m.slug);
  for (const slug of BUILT_IN) check(slugs.includes(slug), `models.list lacks the built-in ${slug}: got ${slugs.join(', ')}`);

  const one = await gateway.models.predict('rdkit-descriptors', { smiles: 'OCC' });
  check(one.error === null, `predict failed: ${JSON.stringify(one.error)}`);
  check(one.input.smiles === 'CCO', `expected the canonical SMILES CCO, got ${String(one.input.smiles)}`);
  check(Number.isFinite(one.output?.logP), `predict gave no finite logP: ${JSON.stringify(one.output)}`);

  const submitted = await gateway.jobs.submit({
    model: 'ocl-properties',
    inputs: LIBRARY.map((smiles) => ({ smiles })),
    label: 'sdk e2e',
  });
  check(submitted.itemsTotal === LIBRARY.length, `job counts ${submitted.itemsTotal} items, sent ${LIBRARY.length}`);
  const job = await gateway.jobs.wait(submitted.id, { timeoutMs: 120_000, intervalMs: 500 });
  check(job.status === 'succeeded', `job ended ${job.status} (${job.itemsDone} done, ${job.itemsFailed} failed)`);

  const results: JobResult[] = [];
  // A small page size makes allResults page several times.
  for await (const r of gateway.jobs.allResults(job.id, 7)) results.push(r);
  check(results.length === LIBRARY.length, `allResults gave ${results.length} results, expected ${LIBRARY.length}`);
  check(new Set(results.map((r) => r.index)).size === LIBRARY.length, 'allResults repeated or skipped an item');
  const bad = results.filter((r) => r.status !== 'succeeded' || !Number.isFinite(r.output?.logP));
  check(bad.length === 0, `results without a finite logP: ${JSON.stringify(bad.slice(0, 3))}`);

  // A library as a file's text: parsed on the client (names kept), submitted, waited on with progress.
  const seen: number[] = [];
  const screened = await gateway.screen('ocl-properties', { text: 'CCO ethanol\nc1ccccc1 benzene\n# a comment\nOc1ccccc1 phenol\n', fileName: 'three.smi' }, {
    intervalMs: 300,
    onProgress: (p) => seen.push(p.done + p.failed),
  });
  check(screened.jobs.length === 1 && screened.jobs[0].status === 'succeeded', `screen ended ${JSON.stringify(screened.jobs.map((j) => j.status))}`);
  check(JSON.stringify(screened.names) === JSON.stringify(['ethanol', 'benzene', 'phenol']), `screen kept the names ${JSON.stringify(screened.names)}`);
  check(seen.at(-1) === 3, `screen's last progress was ${seen.at(-1)}, expected 3`);
  const screenedResults: JobResult[] = [];
  for await (const r of gateway.results(screened.jobs[0].id, { pageSize: 2 })) screenedResults.push(r);
  check(screenedResults.map((r) => r.input.smiles).join(' ') === 'CCO c1ccccc1 Oc1ccccc1', `results iterator gave ${screenedResults.map((r) => r.input.smiles).join(' ')}`);

  // A consensus of two built-ins, registered through the helper and called like any model.
  const consensusSlug = `sdk-logs-${Date.now().toString(36)}`;
  const consensus = await gateway.consensus.register({
    slug: consensusSlug,
    name: 'logS mean (SDK)',
    task: 'property/solubility',
    strategy: 'mean',
    members: [
      { ref: 'ocl-properties', field: 'logS', name: 'ocl' },
      { ref: 'esol-solubility', field: 'logS', name: 'esol' },
    ],
    outputField: 'logS',
    example: { smiles: 'c1ccccc1O' },
  });
  check(consensus.outcome === 'published', `consensus.register: ${consensus.outcome}, smoke test ${JSON.stringify(consensus.smokeTest)}`);
  const mean = await gateway.models.predict(consensusSlug, { smiles: 'CCO' });
  check(Number.isFinite(mean.output?.logS), `${consensusSlug} gave ${JSON.stringify(mean.output)} for CCO`);

  // A user's model from a manifest folder: packed and uploaded as a bundle, smoke-tested on the
  // worker in its sandbox, and published.
  const folder = await mkdtemp(path.join(os.tmpdir(), 'sdk-model-'));
  const slug = `sdk-heavy-${Date.now().toString(36)}`;
  await copyFile(path.resolve(import.meta.dirname, 'fixtures/models/heavy-atoms/main.py'), path.join(folder, 'main.py'));
  await writeFile(
    path.join(folder, 'model.json'),
    JSON.stringify({
      slug,
      name: 'Heavy atoms (SDK)',
      version: 1,
      task: 'test/heavy-atoms',
      runtime: { kind: 'process', command: ['python3', 'main.py'] },
      inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
      outputSchema: { type: 'object', properties: { heavyAtoms: { type: 'number' }, length: { type: 'number' } }, required: ['heavyAtoms'] },
      batchSize: 10,
      timeoutMs: 10_000,
      example: { smiles: 'c1ccccc1O' },
    }),
  );
  const registered = await gateway.registerFromManifest(folder, { aliases: ['production'] });
  check(registered.outcome === 'published', `registerFromManifest: ${registered.outcome}, smoke test ${JSON.stringify(registered.smokeTest)}`);
  check(/^sha256:[0-9a-f]{64}$/.test(String((registered.version.runtime as { bundle?: string }).bundle)), 'the registered runtime names no bundle');
  const heavy = await gateway.models.predict(`${slug}@production`, { smiles: 'CCO' });
  check(heavy.output?.heavyAtoms === 3, `${slug}@production gave ${JSON.stringify(heavy.output)} for CCO, expected heavyAtoms 3`);
  await rm(folder, { recursive: true, force: true });

  let unauthorizedCode: string | null = null;
  try {
    await createGatewayClient({ url, token: 'mgw_this-token-does-not-exist' }).models.list();
  } catch (e) {
    check(e instanceof GatewayError, `a bogus token threw ${String(e)}, not a GatewayError`);
    unauthorizedCode = e.code;
  }
  check(unauthorizedCode === 'UNAUTHORIZED', `a bogus token gave ${unauthorizedCode ?? 'no error'}, expected UNAUTHORIZED`);

  const logP = results.map((r) => r.output!.logP as number);
  console.log(
    JSON.stringify({
      ok: true,
      models: slugs.length,
      predictLogP: one.output!.logP,
      jobId: job.id,
      jobStatus: job.status,
      results: results.length,
      logPRange: [Math.min(...logP), Math.max(...logP)],
      unauthorizedCode,
      registered: `${slug}@${registered.version.version}`,
    }),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`sdk-client failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
