import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTeam, createUser, fixtureManifest, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { submitJob } from '../jobs/jobs.service';
import { setQuota } from '../quotas/quotas.service';
import { publishTrustedManifest } from '../models/builtins.service';
import { listResults } from '../jobs/jobs.service';
import { createApiToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { UPLOAD_LIMIT_DEFAULTS } from './receive';
import { sweepUploads } from './sweep';
import { getUpload, receiveUpload, submitUpload } from './uploads.service';

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
});

afterAll(async () => gw?.stop());

/** A body that arrives in small pieces, so quoted fields and records straddle chunk boundaries. */
function chunked(data: string | Buffer, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })());
}

const upload = (viewer: Viewer, filename: string, data: string | Buffer, o: { format?: 'csv' | 'tsv' | 'smi' | 'sdf'; idColumn?: string; smilesColumn?: string } = {}, limits = UPLOAD_LIMIT_DEFAULTS) =>
  receiveUpload(gw.deps, viewer, { filename, body: chunked(data), ...o }, limits);

const rowsOf = async (uploadId: string) =>
  gw.db.selectFrom('upload_rows').select(['line_no', 'row_index', 'external_id', 'smiles', 'molblock', 'error']).where('upload_id', '=', uploadId).orderBy('line_no').execute();

const CSV = ['name,"SMILES",note', 'ethanol,CCO,"a ""quoted"" note, with a comma"', '"benzene, aromatic",c1ccccc1,"two', 'lines"', 'short,CC', 'empty,,x', 'propane,CCC,ok', ''].join('\r\n');

const molblock = (title: string) =>
  [title, '  test', '', '  2  1  0  0  0  0  0  0  0  0999 V2000', '    0.0000    0.0000    0.0000 C   0  0', '    1.2000    0.0000    0.0000 O   0  0', '  1  2  1  0', 'M  END'].join('\n');
const SDF = [molblock('methanol-title'), '> <ID>', 'MOL-1', '', '$$$$', molblock('second'), '$$$$', 'broken', 'no counts', '$$$$', molblock(''), '> <Name>', 'named-by-field', '', '$$$$', ''].join('\n');

describe('receiving a file', () => {
  it('reads CSV with quoted fields (delimiters, quotes, line breaks) and its id column; bad rows keep their line and reason', async () => {
    const r = await upload(alice, 'library.csv', CSV);
    expect(r).toMatchObject({ format: 'csv', gzip: false, rowsTotal: 5, rowsBad: 2, smilesColumn: 'SMILES', idColumn: 'name' });
    const rows = await rowsOf(r.uploadId);
    expect(rows.map((x) => [x.line_no, x.row_index, x.external_id, x.smiles])).toEqual([
      [2, 0, 'ethanol', 'CCO'],
      [3, 1, 'benzene, aromatic', 'c1ccccc1'],
      [5, null, null, null],
      [6, null, 'empty', null],
      [7, 2, 'propane', 'CCC'],
    ]);
    expect(rows[2].error).toMatch(/^line 5: has 2 fields; the header has 3/);
    expect(rows[3].error).toBe('line 6: the SMILES is empty');
  });

  it('reads TSV, and takes the columns the caller names', async () => {
    const tsv = 'mol\tcode\tsmiles\nCCO\tA1\tignored\nc1ccccc1\tA2\tignored\n';
    const r = await upload(alice, 'x.tsv', tsv, { smilesColumn: 'mol', idColumn: 'CODE' });
    expect(r).toMatchObject({ format: 'tsv', rowsTotal: 2, rowsBad: 0, smilesColumn: 'mol', idColumn: 'code' });
    expect((await rowsOf(r.uploadId)).map((x) => [x.external_id, x.smiles])).toEqual([
      ['A1', 'CCO'],
      ['A2', 'c1ccccc1'],
    ]);
    await expect(upload(alice, 'x.tsv', tsv, { smilesColumn: 'nope' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^smilesColumn: the file has no column "nope"/) });
  });

  it('reads SMILES files (comments, a header, names after whitespace) and refuses over-long SMILES by the SMILES limit', async () => {
    const smi = `# a comment\nsmiles name\nCCO ethanol\n\nc1ccccc1\tbenzene ring\nCCN\n${'C'.repeat(4001)} long\n`;
    const r = await upload(alice, 'lib.smi', smi);
    expect(r).toMatchObject({ format: 'smi', rowsTotal: 4, rowsBad: 1 });
    const rows = await rowsOf(r.uploadId);
    expect(rows.map((x) => [x.line_no, x.external_id, x.smiles?.slice(0, 10)])).toEqual([
      [3, 'ethanol', 'CCO'],
      [5, 'benzene ring', 'c1ccccc1'],
      [6, null, 'CCN'],
      [7, 'long', 'CCCCCCCCCC'],
    ]);
    expect(rows[3].error).toMatch(/^line 7: the SMILES is 4001 characters long; the limit is 4000 \(GATEWAY_MAX_SMILES_LENGTH\)/);
  });

  it('reads SDF records with their names (a data field, else the title line) and keeps the MOL block; an unreadable record is a bad row', async () => {
    const r = await upload(alice, 'set.sdf', SDF);
    expect(r).toMatchObject({ format: 'sdf', rowsTotal: 4, rowsBad: 1 });
    const rows = await rowsOf(r.uploadId);
    expect(rows.map((x) => [x.line_no, x.row_index, x.external_id])).toEqual([
      [1, 0, 'MOL-1'],
      [13, 1, 'second'],
      [22, null, null],
      [25, 2, 'named-by-field'],
    ]);
    expect(rows[0].molblock).toBe(molblock('methanol-title'));
    expect(rows[2].error).toMatch(/^record at line 22: has no "M {2}END" line/);
  });

  it.each([
    ['library.csv.gz', CSV, 5],
    ['x.tsv.gz', 'smiles\tid\nCCO\ta\n', 1],
    ['lib.smi.gz', 'CCO a\nCC b\n', 2],
    ['set.sdf.gz', SDF, 4],
  ])('decompresses %s by its magic bytes', async (name, text, rows) => {
    const r = await upload(alice, name, gzipSync(Buffer.from(text)));
    expect(r).toMatchObject({ gzip: true, rowsTotal: rows });
    // The name does not decide: gzip under a plain name is still read.
    expect(await upload(alice, name.replace(/\.gz$/, ''), gzipSync(Buffer.from(text)))).toMatchObject({ gzip: true, rowsTotal: rows });
  });

  it('refuses a file past the row or byte limit with PAYLOAD_TOO_LARGE naming it, and keeps no rows', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `C${'C'.repeat(i % 5)} m${i}`).join('\n');
    await expect(upload(alice, 'big.smi', lines, {}, { ...UPLOAD_LIMIT_DEFAULTS, maxRows: 20 })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/more than 20 molecules.*GATEWAY_MAX_UPLOAD_ROWS/),
      details: { field: 'rows', limit: 20 },
    });
    await expect(upload(alice, 'big.smi', lines, {}, { ...UPLOAD_LIMIT_DEFAULTS, maxBytes: 100 })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/larger than 100 bytes.*GATEWAY_MAX_UPLOAD_BYTES/),
      details: { field: 'bytes', limit: 100 },
    });
    const failed = await gw.db.selectFrom('uploads').select(['id', 'status', 'error']).where('owner_id', '=', alice.id).where('filename', '=', 'big.smi').execute();
    expect(failed).toHaveLength(2);
    for (const f of failed) {
      expect(f.status).toBe('failed');
      expect(await rowsOf(f.id)).toHaveLength(0);
    }
  });

  it('refuses a broken gzip, an unknown format, and a file without molecules', async () => {
    const gz = gzipSync(Buffer.from('CCO a\n'.repeat(1000)));
    await expect(upload(alice, 'x.smi.gz', gz.subarray(0, gz.length - 40))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/gzip/) });
    await expect(upload(alice, 'x.xlsx', 'CCO')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^format:/) });
    await expect(upload(alice, 'x.smi', '# only a comment\n')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/no molecules/) });
  });
});

describe('previewing an upload', () => {
  it('shows its first good rows, its bad rows by line in pages, and an estimate for a model; to its owner only', async () => {
    const smi = Array.from({ length: 60 }, (_, i) => (i % 10 === 3 ? `${'C'.repeat(4001)} m${i}` : `C${'C'.repeat(i % 4)} m${i}`)).join('\n');
    const r = await upload(alice, 'p.smi', smi);
    expect(r).toMatchObject({ rowsTotal: 60, rowsBad: 6 });
    const view = await getUpload(gw.deps, alice, { uploadId: r.uploadId, model: 'rdkit-descriptors', badAfterLine: 0, badLimit: 2 });
    expect(view.preview).toHaveLength(20);
    expect(view.preview[0]).toMatchObject({ line: 1, index: 0, externalId: 'm0', smiles: 'C' });
    expect(view.estimate).toMatchObject({ items: view.rowsGood, tasks: Math.ceil(view.rowsGood / 100) });
    expect(view.bad).toMatchObject({ items: [{ line: 4 }, { line: 14 }], nextLine: 14 });
    expect(view.status).toBe('ready');
    await expect(getUpload(gw.deps, bob, { uploadId: r.uploadId, badAfterLine: 0, badLimit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(submitUpload(gw.deps, bob, { uploadId: r.uploadId, model: 'rdkit-descriptors' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pages bad rows by line number', async () => {
    const smi = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `${'C'.repeat(4001)} bad${i}` : `CC ok${i}`)).join('\n');
    const r = await upload(alice, 'bad.smi', smi);
    expect(r.rowsBad).toBe(10);
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const v = await getUpload(gw.deps, alice, { uploadId: r.uploadId, badAfterLine: after, badLimit: 4 });
      seen.push(...v.bad.items.map((b) => b.line));
      if (v.bad.nextLine === null) break;
      after = v.bad.nextLine;
    }
    expect(seen).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
  });
});

describe('running an upload', () => {
  it('runs every line as exactly one result: good rows canonicalised by the worker with their ids, bad ones refused naming the line', async () => {
    const csv = ['id,smiles', 'a,OCC', 'b,C1CC(', 'c,', 'd,c1ccccc1', ''].join('\n');
    const r = await upload(alice, 'run.csv', csv);
    expect(r).toMatchObject({ rowsTotal: 4, rowsBad: 1 });
    const job = await submitUpload(gw.deps, alice, { uploadId: r.uploadId, model: 'rdkit-descriptors', label: 'screen' });
    expect(job).toMatchObject({ itemsTotal: 4, itemsFailed: 1, tasksTotal: 1 });
    const done = await waitForJob(gw.deps, alice, job.id);
    expect(done).toMatchObject({ status: 'succeeded', itemsDone: 2, itemsFailed: 2 });
    const { items } = await listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 });
    const byId = Object.fromEntries(items.map((i) => [i.externalId, i]));
    expect(items).toHaveLength(4);
    expect(byId.a).toMatchObject({ status: 'succeeded', input: { smiles: 'CCO' }, submitted: { smiles: 'OCC' } });
    expect(byId.d).toMatchObject({ status: 'succeeded', input: { smiles: 'c1ccccc1' } });
    expect(byId.b).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT', error: expect.stringMatching(/^line 3: field "smiles" is not a valid SMILES/) });
    expect(byId.c).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT', error: 'line 4: the SMILES is empty' });
    await expect(submitUpload(gw.deps, alice, { uploadId: r.uploadId, model: 'rdkit-descriptors' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('runs an SDF file: MOL blocks become SMILES in the worker, named by their records', async () => {
    const r = await upload(alice, 'set.sdf.gz', gzipSync(Buffer.from(SDF)));
    const job = await submitUpload(gw.deps, alice, { uploadId: r.uploadId, model: 'rdkit-descriptors' });
    const done = await waitForJob(gw.deps, alice, job.id);
    expect(done).toMatchObject({ itemsDone: 3, itemsFailed: 1 });
    const { items } = await listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 });
    expect(items.filter((i) => i.status === 'succeeded').map((i) => [i.externalId, i.input.smiles])).toEqual([
      ['MOL-1', 'CO'],
      ['second', 'CO'],
      ['named-by-field', 'CO'],
    ]);
    expect(items.find((i) => i.status === 'failed')?.error).toMatch(/^record at line 22/);
  });
});

describe('screening a file again', () => {
  const tasksOf = async (jobId: string) => (await gw.db.selectFrom('tasks').select('id').where('job_id', '=', jobId).execute()).length;
  const resultsOf = async (jobId: string) => (await listResults(gw.deps, alice, { jobId, limit: 20, offset: 0 })).items;

  it('answers the rows the cache holds at submission, by the molecule as the file had it, and runs only the others', async () => {
    const csv = ['id,smiles', 'a,OCC', 'b,C1CC(', 'c,', 'd,C1=CC=CC=C1', ''].join('\n');
    const first = await submitUpload(gw.deps, alice, { uploadId: (await upload(alice, 'again.csv', csv)).uploadId, model: 'rdkit-descriptors' });
    await waitForJob(gw.deps, alice, first.id);
    const before = await resultsOf(first.id);

    // The same lines in another file, plus one new molecule: the two seen are results at once.
    const r = await upload(bob, 'again-2.csv', csv.replace('d,C1=CC=CC=C1\n', 'd,C1=CC=CC=C1\ne,CCCCO\n'));
    const again = await submitUpload(gw.deps, bob, { uploadId: r.uploadId, model: 'rdkit-descriptors' });
    expect(again).toMatchObject({ status: 'queued', itemsTotal: 5, itemsDone: 2, itemsFailed: 1, tasksTotal: 1 });
    // Only the unreadable SMILES and the new molecule go to the model, in one task.
    const [task] = await gw.db.selectFrom('tasks').select('items').where('job_id', '=', again.id).execute();
    expect(task.items.map((i) => i.externalId)).toEqual(['b', 'e']);
    const done = await waitForJob(gw.deps, bob, again.id);
    expect(done).toMatchObject({ status: 'succeeded', itemsDone: 3, itemsFailed: 2 });
    const { items } = await listResults(gw.deps, bob, { jobId: again.id, limit: 20, offset: 0 });
    const byId = Object.fromEntries(items.map((i) => [i.externalId, i]));
    const firstA = before.find((i) => i.externalId === 'a')!;
    // Canonical input, the file's own molecule, the first job's output; another user's job is not named.
    expect(byId.a).toMatchObject({ status: 'succeeded', input: { smiles: 'CCO' }, submitted: { smiles: 'OCC' }, output: firstA.output, cachedFrom: { cached: true } });
    expect(byId.d).toMatchObject({ status: 'succeeded', input: { smiles: 'c1ccccc1' }, cachedFrom: { cached: true } });
    expect(byId.e).toMatchObject({ status: 'succeeded', input: { smiles: 'CCCCO' }, cachedFrom: null });
    expect(byId.b).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT' });
    expect(items.map((i) => i.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends a file seen before at submission: no task, no queue entry, every row from the cache', async () => {
    const first = await submitUpload(gw.deps, alice, { uploadId: (await upload(alice, 'seen.sdf', SDF)).uploadId, model: 'rdkit-descriptors' });
    await waitForJob(gw.deps, alice, first.id);
    const again = await submitUpload(gw.deps, alice, { uploadId: (await upload(alice, 'seen-again.sdf.gz', gzipSync(Buffer.from(SDF)))).uploadId, model: 'rdkit-descriptors' });
    expect(again).toMatchObject({ status: 'succeeded', itemsDone: 3, itemsFailed: 1, tasksTotal: 0 });
    expect(await tasksOf(again.id)).toBe(0);
    const items = await resultsOf(again.id);
    // Each points where its output was first computed: the first screen, or what that one was answered from.
    const origin = new Map((await resultsOf(first.id)).map((i) => [i.externalId, i.cachedFrom ?? { jobId: first.id, index: i.index }]));
    expect(items.filter((i) => i.status === 'succeeded').map((i) => [i.externalId, i.input.smiles, i.cachedFrom])).toEqual(
      ['MOL-1', 'second', 'named-by-field'].map((id) => [id, 'CO', origin.get(id)]),
    );
    expect(items.find((i) => i.status === 'failed')?.error).toMatch(/^record at line 22/);
  });

  it('takes a file whose first 1,000 rows are new as new, and still answers a known row further on from the cache, in the worker', async () => {
    const known = await submitUpload(gw.deps, alice, { uploadId: (await upload(alice, 'known.smi', 'CCCCCCO known\n')).uploadId, model: 'rdkit-descriptors' });
    await waitForJob(gw.deps, alice, known.id);
    const fresh = Array.from({ length: 1000 }, (_, i) => `${'C'.repeat(1 + (i % 20))}${'N'.repeat(1 + Math.floor(i / 20))} new-${i}`);
    const r = await upload(alice, 'mostly-new.smi', [...fresh, 'CCCCCCO known', ''].join('\n'));
    const job = await submitUpload(gw.deps, alice, { uploadId: r.uploadId, model: 'rdkit-descriptors' });
    expect(job).toMatchObject({ itemsDone: 0, itemsTotal: 1001 });
    await waitForJob(gw.deps, alice, job.id);
    const { items } = await listResults(gw.deps, alice, { jobId: job.id, limit: 1, offset: 1000 });
    expect(items[0]).toMatchObject({ externalId: 'known', status: 'succeeded', cachedFrom: { jobId: known.id, index: 0 } });
  });

  it('misses with other inputs beside the molecule, and never for a version with the cache off', async () => {
    const inputSchema = { type: 'object', properties: { smiles: { type: 'string' }, note: { type: 'string' } }, required: ['smiles'], additionalProperties: false };
    // Other content (its timeout) for the version with the cache off: entries are per content.
    const publish = async (slug: string, cache: boolean) =>
      (await publishTrustedManifest(gw.deps, { manifest: { ...(await fixtureManifest(gw.db, 'echo')), slug, inputSchema, cache, ...(cache ? {} : { timeoutMs: 3700 }) }, builtIn: false }))
        .version;
    const screen = async (model: string, params?: Record<string, unknown>) => {
      const job = await submitUpload(gw.deps, alice, { uploadId: (await upload(alice, 'p.smi', 'CCO one\nCCN two\n')).uploadId, model, params });
      await waitForJob(gw.deps, alice, job.id);
      return job;
    };
    await publish('upload-echo', true);
    await screen('upload-echo', { note: 'x' });
    expect(await screen('upload-echo', { note: 'x' })).toMatchObject({ tasksTotal: 0, itemsDone: 2 });
    expect(await screen('upload-echo', { note: 'y' })).toMatchObject({ tasksTotal: 1, itemsDone: 0 });

    const off = await publish('upload-echo-off', false);
    await screen('upload-echo-off');
    const second = await screen('upload-echo-off');
    expect(second).toMatchObject({ tasksTotal: 1, itemsDone: 0 });
    expect((await resultsOf(second.id)).map((i) => i.cachedFrom)).toEqual([null, null]);
    expect(await gw.db.selectFrom('result_cache').select('input_key').where('version_digest', '=', off.digest).execute()).toHaveLength(0);
  });
});

describe('the quotas of a file', () => {
  const NO_LIMITS = { concurrentJobs: null, itemsPerDay: null, cpuSecondsPerMonth: null, gpuSecondsPerMonth: null };
  const inputSchema = { type: 'object', properties: { smiles: { type: 'string' } }, required: ['smiles'], additionalProperties: false };
  const publishEcho = async (slug: string) =>
    publishTrustedManifest(gw.deps, { manifest: { ...(await fixtureManifest(gw.db, 'echo')), slug, inputSchema, cache: false }, builtIn: false });

  it('refuses a file past the items-per-day limit whole, before its rows are copied: no job, the upload still ready', async () => {
    const admin = await createUser(gw.db, 'quota-admin', { role: 'admin' });
    const user = await createUser(gw.db, 'file-quota');
    await setQuota(gw.deps, admin, { subject: { type: 'user', id: user.id }, limits: { ...NO_LIMITS, itemsPerDay: 2 } });
    const r = await upload(user, 'three.smi', 'CCO\nCCN\nCCC\n');
    await expect(submitUpload(gw.deps, user, { uploadId: r.uploadId, model: 'rdkit-descriptors' })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'itemsPerDay', limit: 2, requested: 3 } });
    expect(await gw.db.selectFrom('jobs').select('id').where('owner_id', '=', user.id).execute()).toHaveLength(0);
    expect(await getUpload(gw.deps, user, { uploadId: r.uploadId, badAfterLine: 0, badLimit: 10 })).toMatchObject({ status: 'ready' });
    // Within the limit it runs, and counts.
    const two = await upload(user, 'two.smi', 'CCO\nCCN\n');
    const job = await submitUpload(gw.deps, user, { uploadId: two.uploadId, model: 'rdkit-descriptors' });
    expect((await waitForJob(gw.deps, user, job.id)).status).toBe('succeeded');
  });

  it("never holds a teammate's prediction while a file is being submitted to the same team's quota", async () => {
    await publishEcho('upload-echo-held');
    const team = await createTeam(gw.db, 'file-team');
    const [carol, dave] = [await createUser(gw.db, 'carol', { teamIds: [team] }), await createUser(gw.db, 'dave', { teamIds: [team] })];
    const r = await upload(carol, 'held.smi', 'CCO one\nCCN two\nCCC three\n');
    // The submission is held just as it writes its tasks from the file's rows (a file of millions
    // takes minutes there): another connection holds the rows' table.
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    let locked!: () => void;
    const isLocked = new Promise<void>((done) => (locked = done));
    const holder = gw.db.transaction().execute(async (tx) => {
      await sql`lock table upload_rows in access exclusive mode`.execute(tx);
      locked();
      await released;
    });
    await isLocked;
    let submitted: Promise<unknown> | undefined;
    try {
      submitted = submitUpload(gw.deps, carol, { uploadId: r.uploadId, model: 'upload-echo-held' });
      submitted.catch(() => {});
      await until(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%upload_rows%' and query not ilike '%pg_stat_activity%'`.execute(gw.db);
        return rows[0].n > 0;
      }, "the file's submission waits on its rows", 30_000);
      // Meanwhile the teammate's prediction, charged to the same team, is accepted and runs.
      let accepted = false;
      const prediction = submitJob(gw.deps, dave, { model: 'upload-echo-held', inputs: [{ smiles: 'CCCl' }] }).then((j) => {
        accepted = true;
        return j;
      });
      prediction.catch(() => {});
      await until(() => accepted, "the teammate's prediction is accepted while the file is mid-submission", 30_000);
      const job = await prediction;
      expect(job.teamId).toBe(team);
      expect((await waitForJob(gw.deps, dave, job.id)).status).toBe('succeeded');
    } finally {
      release();
      await holder;
    }
    const screen = (await submitted) as Awaited<ReturnType<typeof submitUpload>>;
    expect((await waitForJob(gw.deps, carol, screen.id)).status).toBe('succeeded');
    // Both counted on the team's day.
    const { rows } = await sql<{ items: number }>`select items::int from usage_counters where subject_type = 'team' and subject_id = ${team} and period = 'day'`.execute(gw.db);
    expect(rows[0].items).toBe(4);
  });
});

describe('what a crash or time leaves behind', () => {
  const statusOf = async (id: string) => gw.db.selectFrom('uploads').select(['status', 'error']).where('id', '=', id).executeTakeFirstOrThrow();
  const rowCount = async (id: string) => (await rowsOf(id)).length;

  it('fails an upload a crash cut off while it arrived, and leaves one still arriving alone', async () => {
    // As a web process that died mid-file leaves it: the record, no rows, nobody copying.
    const orphan = await gw.db.insertInto('uploads').values({ owner_id: alice.id, filename: 'cut.smi', format: 'smi' }).returning('id').executeTakeFirstOrThrow();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let sent!: () => void;
    const firstSent = new Promise<void>((r) => (sent = r));
    const body = (async function* () {
      yield Buffer.from('CCO a\n');
      sent();
      await gate;
      yield Buffer.from('CCN b\n');
    })();
    const arriving = receiveUpload(gw.deps, alice, { filename: 'slow.smi', body }, UPLOAD_LIMIT_DEFAULTS);
    await firstSent;
    const swept = await sweepUploads(gw.db, { receivingGraceSeconds: 0 });
    expect(swept.interrupted).toBe(1);
    expect(await statusOf(orphan.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^UNAVAILABLE: the server stopped while the file was arriving; send it again/) });
    open();
    expect(await arriving).toMatchObject({ rowsTotal: 2 });
    expect(await sweepUploads(gw.db, { receivingGraceSeconds: 0 })).toMatchObject({ interrupted: 0 });
  });

  it('removes rows past the retention: a file never submitted expires, a submitted one keeps its job whole', async () => {
    const idle = await upload(alice, 'idle.smi', 'CCO a\nCCN b\n');
    const used = await upload(alice, 'used.smi', 'CCO a\nCCN b\n');
    const fresh = await upload(alice, 'fresh.smi', 'CCO a\n');
    const job = await submitUpload(gw.deps, alice, { uploadId: used.uploadId, model: 'rdkit-descriptors' });
    await waitForJob(gw.deps, alice, job.id);
    await gw.db.updateTable('uploads').set({ created_at: new Date(Date.now() - 8 * 24 * 3600_000) }).where('id', 'in', [idle.uploadId, used.uploadId]).execute();

    const swept = await sweepUploads(gw.db, { retentionHours: 168 });
    expect(swept).toMatchObject({ expired: 1 });
    expect(await statusOf(idle.uploadId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^CONFLICT: not submitted within 168 hours/) });
    expect(await statusOf(used.uploadId)).toMatchObject({ status: 'used' });
    expect([await rowCount(idle.uploadId), await rowCount(used.uploadId), await rowCount(fresh.uploadId)]).toEqual([0, 0, 1]);
    await expect(submitUpload(gw.deps, alice, { uploadId: idle.uploadId, model: 'rdkit-descriptors' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 })).items).toHaveLength(2);
  });
});

describe('POST /api/uploads', () => {
  it('streams the request body through the route handler with an API token', async () => {
    process.env.DATABASE_URL = gw.t.url;
    const { POST } = await import('../../app/api/uploads/route');
    const { token } = await createApiToken(gw.deps, alice, { name: 'uploads' });
    const body = Readable.toWeb(Readable.from(chunked('smiles,id\nCCO,e1\nCC,e2\n'))) as ReadableStream;
    const req = new NextRequest('http://localhost/api/uploads?filename=web.csv', { method: 'POST', body, headers: { authorization: `Bearer ${token}` }, duplex: 'half' } as ConstructorParameters<typeof NextRequest>[1]);
    const res = await POST(req);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ format: 'csv', rowsTotal: 2, rowsBad: 0, idColumn: 'id' });
    const anonymous = await POST(new NextRequest('http://localhost/api/uploads?filename=web.csv', { method: 'POST', body: 'CCO' }));
    expect(anonymous.status).toBe(401);
  });
});

describe('a million-line file', () => {
  it('streams 1,000,000 SMILES lines into the database with bounded memory', async () => {
    // Live memory, not garbage yet to be collected: a full collection before each sample.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const total = 1_000_000;
    const before = live();
    const samples: number[] = [];
    // Generated as it is read: the file is never a string in memory.
    function* lines() {
      let batch = '';
      for (let i = 0; i < total; i++) {
        batch += `C${'C'.repeat(i % 12)}O mol-${i}\n`;
        if (batch.length > 64 * 1024) {
          yield Buffer.from(batch);
          batch = '';
        }
        if (i % 100_000 === 99_999) samples.push(live() - before);
      }
      if (batch) yield Buffer.from(batch);
    }
    const r = await receiveUpload(gw.deps, alice, { filename: 'million.smi', body: Readable.from(lines()) });
    expect(r).toMatchObject({ rowsTotal: total, rowsBad: 0 });
    expect(samples).toHaveLength(10);
    const peakMb = Math.max(...samples) / 1024 / 1024;
    expect(peakMb).toBeLessThan(150);
    // Bounded, not merely small: the last sample is no larger than the first by more than a few MB.
    expect((samples[9] - samples[0]) / 1024 / 1024).toBeLessThan(20);
    const counted = await gw.db.selectFrom('uploads').select(['rows_total', 'status']).where('filename', '=', 'million.smi').executeTakeFirstOrThrow();
    expect(counted).toMatchObject({ rows_total: total, status: 'ready' });
  }, 300_000);
});
