/**
 * A model uploaded as a bundle tries to get out of its sandbox, through the real upload, smoke
 * test, queue and worker. Every attempt fails inside; the worker keeps serving.
 */
import { mkdtempSync, promises as fs, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, registerFixtureModel, startTestGateway, waitForJob, type TestGateway } from '../../test/support';
import { bundleStore, uploadBundle } from '../server/bundles/bundles.service';
import { resolveModelRef } from '../server/models/models.service';
import { BundleCache } from './bundles/bundle-cache';
import { bundleCacheDir } from './executors/registry';
import { Launcher } from './sandbox/launcher';
import { sandboxConfig } from './sandbox/sandbox-config';
import { packBundle } from '../server/bundles/pack';
import * as jobs from '../server/jobs/jobs.service';
import { projectRoot } from '../server/models/manifest';
import { ZModelManifest } from '../server/models/models.schema';
import { registerManifest } from '../server/models/register.service';
import { setNetworkAllowed } from '../server/models/versions.service';
import type { Viewer } from '../server/users/viewer';

const SECRETS = {
  NEXTAUTH_SECRET: 'sentinel-nextauth-secret-4f1c',
  S3_SECRET_ACCESS_KEY: 'sentinel-s3-secret-9a2e',
  GATEWAY_SENTINEL: 'sentinel-worker-env-77d0',
};

// Each attempt is reported as {ok, value|error}: the test reads what the program saw.
const ESCAPE_PY = String.raw`
import json, os, socket, sys

def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except Exception as e:
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}

def read(p):
    # NUL separators (environ) become newlines: PostgreSQL's jsonb cannot hold \u0000.
    with open(p, "rb") as f:
        return f.read(4000).replace(b"\0", b"\n").decode("utf-8", "replace")

def write(p):
    with open(p, "w") as f:
        f.write("escaped")
    return "wrote " + p

def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.close()
    return "connected"

def unix(p):
    s = socket.socket(socket.AF_UNIX)
    s.connect(p)
    return "connected"

def report(probe):
    data, checkout, port, pid = probe["dataDir"], probe["checkout"], probe["dbPort"], probe["workerPid"]
    return {
        "uid": os.getuid(),
        "env": dict(os.environ),
        "proc1Environ": attempt(lambda: read("/proc/1/environ")),
        "workerEnviron": attempt(lambda: read("/proc/%d/environ" % pid)),
        "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "dataDir": attempt(lambda: os.listdir(data)),
        "dataSecret": attempt(lambda: read(os.path.join(data, "nextauth-secret"))),
        "checkout": attempt(lambda: os.listdir(checkout)),
        "checkoutFile": attempt(lambda: read(os.path.join(checkout, "package.json"))),
        "tcpDatabase": attempt(lambda: connect(port)),
        "unixDatabase": attempt(lambda: unix("/tmp/.s.PGSQL.%d" % port)),
        "writeRoot": attempt(lambda: write("/escaped")),
        "writeBundle": attempt(lambda: write("/bundle/escaped")),
        "writeUsr": attempt(lambda: write("/usr/escaped")),
        "writeNodeModules": attempt(lambda: write("/node_modules/escaped")),
        "writeDataDir": attempt(lambda: write(os.path.join(data, "escaped"))),
        "writeTmp": attempt(lambda: write("/tmp/allowed")),
        "interfaces": [name for _, name in socket.if_nameindex()],
    }

for line in sys.stdin:
    item = json.loads(line)
    inp = item["input"]
    if "allocateMb" in inp:
        hold = []
        for _ in range(inp["allocateMb"] // 8):
            hold.append(bytearray(8 * 1024 * 1024))
            import time; time.sleep(0.02)
        out = {"id": item["id"], "output": {"report": {"allocated": len(hold) * 8}}}
    else:
        out = {"id": item["id"], "output": {"report": report(inp["probe"])}}
    print(json.dumps(out), flush=True)
    sys.stderr.write("escape report written\n")
`;

let gw: TestGateway;
let user: Viewer;
let admin: Viewer;
let dataDir: string;
const saved: Record<string, string | undefined> = {};

async function escapeBundle(extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mgw-escape-'));
  await fs.writeFile(path.join(dir, 'main.py'), ESCAPE_PY);
  const manifest = {
    slug: `escape-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Escape artist',
    version: 1,
    task: 'test/escape',
    runtime: { kind: 'process', command: ['python3', '-I', 'main.py'] },
    inputSchema: { type: 'object', properties: { probe: { type: 'object' }, allocateMb: { type: 'integer' } } },
    outputSchema: { type: 'object', properties: { report: { type: 'object' } }, required: ['report'] },
    example: { allocateMb: 8 },
    timeoutMs: 20_000,
    ...extra,
  };
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(manifest));
  const uploaded = await uploadBundle(gw.deps, user, { body: await packBundle([{ dir }]) });
  await fs.rm(dir, { recursive: true, force: true });
  expect(uploaded.manifest?.runtime).toMatchObject({ kind: 'process', bundle: uploaded.digest });
  return ZModelManifest.parse(uploaded.manifest);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mgw-data-'));
  chmodSync(dataDir, 0o755);
  await fs.writeFile(path.join(dataDir, 'nextauth-secret'), SECRETS.NEXTAUTH_SECRET, { mode: 0o644 });
  for (const k of [...Object.keys(SECRETS), 'DATA_DIR', 'DATABASE_URL']) saved[k] = process.env[k];
  Object.assign(process.env, SECRETS, { DATA_DIR: dataDir });
  gw = await startTestGateway({ worker: { poolSize: 1, batchSize: 2 } });
  process.env.DATABASE_URL = gw.t.url;
  admin = await createUser(gw.db, 'admin');
  user = await createUser(gw.db, 'escaper');
  await registerFixtureModel(gw.db, 'echo');
});

afterAll(async () => {
  await gw?.stop();
  for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function runOne(slug: string, input: Record<string, unknown>) {
  const job = await waitForJob(gw.deps, user, (await jobs.submitJob(gw.deps, user, { model: slug, inputs: [input] })).id, 90_000);
  const [row] = (await jobs.listResults(gw.deps, user, { jobId: job.id, limit: 10, offset: 0 })).items;
  return row!;
}

describe('the sandbox', () => {
  it('keeps a bundle from the worker’s environment, processes, data, checkout, database and filesystem', async () => {
    const manifest = await escapeBundle();
    const registered = await registerManifest(gw.deps, user, { manifest, publish: true });
    expect(registered.smokeTest).toMatchObject({ ok: true });
    expect(registered.outcome).toBe('published');

    const dbPort = Number(new URL(gw.t.url).port);
    const row = await runOne(manifest.slug, { probe: { dataDir, checkout: projectRoot, dbPort, workerPid: process.pid } });
    expect(row.status).toBe('succeeded');
    const r = row.output!.report as Record<string, any>;
    const printed = JSON.stringify(r);
    console.log(`what the escaping model saw:\n${JSON.stringify(r, null, 1).slice(0, 3000)}`);

    // Nothing secret anywhere in what it could read.
    for (const secret of [...Object.values(SECRETS), gw.t.url, 'postgres']) expect(printed).not.toContain(secret);
    // Only what the manifest declares (nothing here) and the base four; PWD, SHLVL, LC_CTYPE are the shell's and Python's own.
    for (const key of Object.keys(r.env)) expect(['PATH', 'HOME', 'LANG', 'OMP_NUM_THREADS', 'PWD', 'SHLVL', 'LC_CTYPE']).toContain(key);
    expect(r.env).toMatchObject({ PATH: '/usr/bin:/bin', HOME: '/tmp', OMP_NUM_THREADS: '1' });
    expect(r.env.DATABASE_URL).toBeUndefined();
    expect(r.uid).not.toBe(0);
    // As root, the worker gives each sandbox a uid of its own from the configured range.
    if (process.getuid?.() === 0) expect(r.uid).toBeGreaterThanOrEqual(810_000);

    // Its own pid namespace: pid 1 is the sandbox's init (with the clean environment), the worker is not there.
    expect(r.proc1Environ.ok ? r.proc1Environ.value : '').not.toMatch(/sentinel|DATABASE_URL|NEXTAUTH/);
    expect(r.workerEnviron).toMatchObject({ ok: false, error: expect.stringMatching(/FileNotFoundError/) });
    expect(r.processes.length).toBeLessThanOrEqual(4);
    expect(r.processes).not.toContain(process.pid);

    for (const key of ['dataDir', 'dataSecret', 'checkout', 'checkoutFile']) expect(r[key], key).toMatchObject({ ok: false, error: expect.stringMatching(/FileNotFoundError/) });
    expect(r.tcpDatabase).toMatchObject({ ok: false, error: expect.stringMatching(/ConnectionRefusedError/) });
    expect(r.unixDatabase).toMatchObject({ ok: false });
    expect(r.interfaces).toEqual(['lo']);
    for (const key of ['writeRoot', 'writeBundle', 'writeUsr', 'writeNodeModules', 'writeDataDir']) {
      expect(r[key], key).toMatchObject({ ok: false, error: expect.stringMatching(/Read-only file system|FileNotFoundError/) });
    }
    expect(r.writeTmp).toMatchObject({ ok: true });
  });

  it('keeps serving other models afterwards', async () => {
    const row = await runOne('test-echo', { smiles: 'CCO' });
    expect(row).toMatchObject({ status: 'succeeded', output: { smiles: 'CCO', length: 3 } });
  });

  it('kills a model that passes its memory limit and says so', async () => {
    const manifest = await escapeBundle({ resources: { memoryMb: 64 } });
    const registered = await registerManifest(gw.deps, user, { manifest, publish: true });
    expect(registered.outcome).toBe('published');
    const row = await runOne(manifest.slug, { allocateMb: 1024 });
    expect(row).toMatchObject({ status: 'failed', errorCode: 'MODEL_CRASHED' });
    expect(row.error).toMatch(/exceeded its memory limit of 64 MB/);
    expect((await runOne('test-echo', { smiles: 'CC' })).status).toBe('succeeded');
  });

  it('gives the network only to a version that asks for it and that an admin allowed', async () => {
    const manifest = await escapeBundle({ runtime: { kind: 'process', command: ['python3', '-I', 'main.py'], network: true } });
    const registered = await registerManifest(gw.deps, user, { manifest, publish: true });
    const probe = { dataDir, checkout: projectRoot, dbPort: 1, workerPid: 1 };
    const denied = await runOne(manifest.slug, { probe });
    expect((denied.output!.report as { interfaces: string[] }).interfaces).toEqual(['lo']);

    await expect(setNetworkAllowed(gw.deps, user, { versionId: registered.version.id, allowed: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await setNetworkAllowed(gw.deps, admin, { versionId: registered.version.id, allowed: true });
    const allowed = await runOne(manifest.slug, { probe: { ...probe, dbPort: 1 } });
    expect((allowed.output!.report as { interfaces: string[] }).interfaces.length).toBeGreaterThan(1);

    await setNetworkAllowed(gw.deps, admin, { versionId: registered.version.id, allowed: false });
    const withdrawn = await runOne(manifest.slug, { probe: { ...probe, dbPort: 2 } });
    expect((withdrawn.output!.report as { interfaces: string[] }).interfaces).toEqual(['lo']);
  });

  it('refuses what may not run on a worker: user bundles under GATEWAY_SANDBOX=off, every model when bubblewrap is missing', async () => {
    const bundles = new BundleCache({ dir: bundleCacheDir(projectRoot), fetch: (d) => bundleStore(gw.db).get(d) });
    const launcher = (env: Record<string, string>) => new Launcher({ root: projectRoot, db: gw.db, bundles, config: sandboxConfig(projectRoot, { ...process.env, ...env }) });
    const users = await resolveModelRef(gw.db, admin, 'test-echo');
    const builtIn = await resolveModelRef(gw.db, admin, 'rdkit-descriptors');

    const off = launcher({ GATEWAY_SANDBOX: 'off' });
    await expect(off.prepare(users)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/GATEWAY_SANDBOX=off, so it runs only trusted models.*needs the sandbox/) });
    await expect(off.prepare(builtIn)).resolves.toBeUndefined();

    const missing = launcher({ GATEWAY_SANDBOX_BWRAP: '/nonexistent/bwrap' });
    expect(await missing.status).toMatchObject({ ok: false, reason: expect.stringMatching(/bwrap is not installed/), fix: expect.stringMatching(/apt-get install -y bubblewrap/) });
    await expect(missing.prepare(users)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/cannot sandbox model processes: bwrap is not installed.*Models uploaded as bundles never run without it/),
    });
    await expect(missing.prepare(builtIn)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/an admin may set GATEWAY_SANDBOX=off/) });
  });
});
