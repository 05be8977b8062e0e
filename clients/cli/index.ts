/**
 * `model-gateway`: the gateway from a terminal or a script, built on the TypeScript SDK.
 * Exit codes: 0 done; 1 usage or a local problem (bad arguments, unreadable file, not logged in);
 * 2 the gateway refused (its appCode is printed: `error: NOT_FOUND: …`); 3 a job ended failed or
 * cancelled; 4 the gateway could not be reached or timed out.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createGatewayClient, GatewayError, type Job, type JobResult } from '../typescript/src';
import { configPath, loadConfig, removeConfig, saveConfig } from './config';
import { FORMATS, formatResults, type ResultFormat } from './formats';
import { Progress } from './progress';

export const EXIT = { ok: 0, usage: 1, api: 2, jobFailed: 3, unavailable: 4 } as const;

const USAGE = `usage: model-gateway <command> [options]

  login [--url URL] [--token mgw_…]     store a token (read from stdin when not given)
  logout                                forget the stored token
  whoami                                who the token belongs to
  models list [--search S] [--task T]   the models you can see
  models show <slug>                    a model, its versions and aliases
  register <folder|bundle> [--draft] [--alias NAME]
                                        upload a model folder (model.json + program) or its .tar.gz/.zip
  predict <model> <smiles> | --input JSON
                                        one prediction
  screen <model> <file> [--label L] [--out FILE] [--format csv|sdf|json] [--no-wait]
                                        a library (.smi, .txt, .csv/.tsv with a smiles column, .jsonl, .json),
                                        with a progress bar and ETA on stderr
  jobs list [--limit N]                 your jobs
  jobs show <id>                        a job's status and counts
  jobs cancel <id>                      cancel a job
  jobs upload <file> --model M [--label L] [--wait]
                                        stream a file (.csv/.tsv/.smi/.sdf, gzipped or not, up to 10,000,000
                                        rows) to the gateway and run it as one job; bad rows listed by line
  jobs results <id> [--format csv|sdf|json] [--status succeeded|failed] [--sort FIELD[:desc]] [--out FILE]

Options everywhere: --url URL, --token TOKEN, --json (machine-readable output).
Environment: MODEL_GATEWAY_URL, MODEL_GATEWAY_TOKEN (override the stored login).
Exit codes: 0 ok, 1 usage or local error, 2 the gateway refused (appCode printed), 3 a job failed
or was cancelled, 4 the gateway unreachable or timed out.`;

class UsageError extends Error {}

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        search: { type: 'string' },
        task: { type: 'string' },
        limit: { type: 'string' },
        draft: { type: 'boolean', default: false },
        alias: { type: 'string', multiple: true },
        input: { type: 'string' },
        label: { type: 'string' },
        out: { type: 'string', short: 'o' },
        format: { type: 'string' },
        status: { type: 'string' },
        sort: { type: 'string' },
        'no-wait': { type: 'boolean', default: false },
        model: { type: 'string' },
        wait: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}\n`);
    process.exit(EXIT.usage);
  }
})();

const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const printJson = (v: unknown) => print(JSON.stringify(v, null, 2));

async function client() {
  const config = await loadConfig({ url: opts.url, token: opts.token });
  if (!config.token) throw new UsageError(`not logged in: run "model-gateway login", or set MODEL_GATEWAY_TOKEN (a token from ${config.url}/settings)`);
  return createGatewayClient({ url: config.url, token: config.token, retries: 3 });
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function formatOf(v: string | undefined, fallback: ResultFormat): ResultFormat {
  const f = (v ?? fallback) as ResultFormat;
  if (!FORMATS.includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${v}"`);
  return f;
}

function intOf(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function describeJob(j: Pick<Job, 'id' | 'model' | 'version' | 'status' | 'itemsDone' | 'itemsFailed' | 'itemsTotal' | 'label'>): string {
  return `${j.id}  ${j.model}@${j.version}  ${j.status}  ${j.itemsDone + j.itemsFailed}/${j.itemsTotal}${j.itemsFailed ? ` (${j.itemsFailed} failed)` : ''}${j.label ? `  ${j.label}` : ''}`;
}

/** `--sort logP` or `--sort logP:desc`: an output field (or `index`) and a direction. */
function sortOf(raw: string | undefined): { field: string; direction: 'asc' | 'desc' } | undefined {
  if (!raw) return undefined;
  const [field, direction = 'asc'] = raw.split(':');
  if (direction !== 'asc' && direction !== 'desc') throw new UsageError('--sort is FIELD or FIELD:asc or FIELD:desc');
  return { field, direction };
}

async function collect(gw: Awaited<ReturnType<typeof client>>, jobId: string, status?: 'succeeded' | 'failed', sort?: string): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for await (const r of gw.results(jobId, { status, sort: sortOf(sort) })) out.push(r);
  return out;
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) {
    await writeFile(out, text);
    process.stderr.write(`wrote ${out}\n`);
  } else process.stdout.write(text);
}

async function run(): Promise<number> {
  const [cmd, sub, ...rest] = positionals;
  if (opts.help || !cmd || cmd === 'help') {
    print(USAGE);
    return opts.help || cmd === 'help' ? EXIT.ok : EXIT.usage;
  }
  switch (cmd) {
    case 'login': {
      const config = await loadConfig({ url: opts.url });
      let token = opts.token;
      if (!token) {
        if (process.stdin.isTTY) process.stderr.write(`paste an API token from ${config.url}/settings and press Ctrl-D: `);
        token = await readStdin();
      }
      if (!token) throw new UsageError('no token given');
      const me = await createGatewayClient({ url: config.url, token, retries: 1 }).me();
      const file = await saveConfig({ url: config.url, token });
      print(`logged in to ${config.url} as ${me.email} (${me.role}); token stored in ${file}`);
      return EXIT.ok;
    }
    case 'logout':
      await removeConfig();
      print(`removed ${configPath()}`);
      return EXIT.ok;
    case 'whoami': {
      const me = await (await client()).me();
      if (opts.json) printJson(me);
      else print(`${me.email} (${me.role}); scopes ${me.scopes.join(', ')}`);
      return EXIT.ok;
    }
    case 'models': {
      const gw = await client();
      if (sub === 'list') {
        const page = await gw.models.list({ search: opts.search, task: opts.task, limit: intOf(opts.limit, 'limit') ?? 100 });
        if (opts.json) printJson(page);
        else for (const m of page.items) print(`${m.slug}\t${m.task}\t${m.name}`);
        return EXIT.ok;
      }
      if (sub === 'show') {
        const m = await gw.models.get(need(rest[0], 'the model slug'));
        if (opts.json) printJson(m);
        else {
          print(`${m.slug}: ${m.name} (${m.task})`);
          if (m.description) print(m.description);
          const aliases = Object.entries(m.aliases ?? {});
          for (const v of m.versions) {
            const named = aliases.filter(([, n]) => n === v.version).map(([a]) => a);
            print(`  v${v.version}  ${v.status}${named.length ? `  [${named.join(', ')}]` : ''}`);
          }
        }
        return EXIT.ok;
      }
      throw new UsageError('models list | models show <slug>');
    }
    case 'register': {
      const source = need(sub, 'a model folder or bundle');
      const r = await (await client()).registerFromManifest(source, { publish: !opts.draft, aliases: opts.alias ?? [] });
      if (opts.json) printJson(r);
      else {
        print(`${r.slug}@${r.version.version}: ${r.outcome} (status ${r.version.status})`);
        if (r.smokeTest) print(r.smokeTest.ok ? `smoke test passed: ${JSON.stringify(r.smokeTest.output)}` : `smoke test failed (${r.smokeTest.code}): ${r.smokeTest.message}`);
      }
      return r.smokeTest && !r.smokeTest.ok ? EXIT.api : EXIT.ok;
    }
    case 'predict': {
      const model = need(sub, 'the model');
      let input: Record<string, unknown>;
      if (opts.input) {
        try {
          input = JSON.parse(opts.input) as Record<string, unknown>;
        } catch {
          throw new UsageError('--input must be a JSON object, e.g. --input \'{"smiles":"CCO"}\'');
        }
      } else input = { smiles: need(rest[0], 'the SMILES (or --input JSON)') };
      const p = await (await client()).models.predict(model, input);
      if (opts.json) printJson(p);
      else if (p.error) process.stderr.write(`error: ${p.error.code}: ${p.error.message}\n`);
      else print(JSON.stringify(p.output));
      return p.error ? EXIT.api : EXIT.ok;
    }
    case 'screen': {
      const model = need(sub, 'the model');
      const file = need(rest[0], 'the library file');
      const format = formatOf(opts.format, 'csv');
      const gw = await client();
      const bar = new Progress(`screen ${model}`);
      const { jobs, names } = await gw.screen(model, file, {
        label: opts.label ?? file,
        wait: !opts['no-wait'],
        timeoutMs: 24 * 3600_000,
        intervalMs: 1000,
        onProgress: (p) => bar.update(p.done, p.total, p.failed),
      });
      if (opts['no-wait']) {
        for (const j of jobs) print(opts.json ? JSON.stringify(j) : describeJob(j));
        return EXIT.ok;
      }
      const total = jobs.reduce((a, j) => a + j.itemsTotal, 0);
      bar.update(jobs.reduce((a, j) => a + j.itemsDone, 0), total, jobs.reduce((a, j) => a + j.itemsFailed, 0), true);
      for (const j of jobs) process.stderr.write(`job ${describeJob(j)}\n`);
      if (opts.out || opts.format) {
        const results: JobResult[] = [];
        let offset = 0;
        for (const j of jobs) {
          for (const r of await collect(gw, j.id)) results.push({ ...r, index: r.index + offset });
          offset += j.itemsTotal;
        }
        await emit(await formatResults(results, format, names), opts.out);
      } else for (const j of jobs) print(j.id);
      return jobs.every((j) => j.status === 'succeeded') ? EXIT.ok : EXIT.jobFailed;
    }
    case 'jobs': {
      const gw = await client();
      if (sub === 'list') {
        const page = await gw.jobs.list({ limit: intOf(opts.limit, 'limit') ?? 20 });
        if (opts.json) printJson(page);
        else for (const j of page.items) print(describeJob(j));
        return EXIT.ok;
      }
      if (sub === 'show') {
        const j = await gw.jobs.get(need(rest[0], 'the job id'));
        if (opts.json) printJson(j);
        else print(describeJob(j));
        return EXIT.ok;
      }
      if (sub === 'cancel') {
        const j = await gw.jobs.cancel(need(rest[0], 'the job id'));
        if (opts.json) printJson(j);
        else print(describeJob(j));
        return EXIT.ok;
      }
      if (sub === 'results') {
        const id = need(rest[0], 'the job id');
        const format = formatOf(opts.format, 'json');
        if (opts.status && opts.status !== 'succeeded' && opts.status !== 'failed') throw new UsageError('--status must be succeeded or failed');
        await emit(await formatResults(await collect(gw, id, opts.status as 'succeeded' | 'failed' | undefined, opts.sort), format), opts.out);
        return EXIT.ok;
      }
      if (sub === 'upload') {
        const file = need(rest[0], 'the file');
        const model = need(opts.model, 'the model (--model SLUG)');
        const upload = await gw.uploads.create(file);
        process.stderr.write(`uploaded ${file}: ${upload.rowsTotal} rows, ${upload.rowsBad} bad (${upload.format}${upload.gzip ? ', gzip' : ''})\n`);
        if (upload.rowsBad > 0) {
          const { bad } = await gw.uploads.get(upload.uploadId, { badLimit: 5 });
          for (const r of bad.items) process.stderr.write(`  line ${r.line}: ${r.error}\n`);
          if (bad.nextLine !== null) process.stderr.write(`  …\n`);
        }
        const job = await gw.uploads.submit(upload.uploadId, { model, label: opts.label });
        if (!opts.wait) {
          print(opts.json ? JSON.stringify(job) : describeJob(job));
          return EXIT.ok;
        }
        const bar = new Progress(`upload ${model}`);
        const done = await gw.jobs.wait(job.id, { timeoutMs: 24 * 3600_000, intervalMs: 1000, onProgress: (j) => bar.update(j.itemsDone, j.itemsTotal, j.itemsFailed) });
        bar.update(done.itemsDone, done.itemsTotal, done.itemsFailed, true);
        print(opts.json ? JSON.stringify(done) : describeJob(done));
        return done.status === 'succeeded' ? EXIT.ok : EXIT.jobFailed;
      }
      throw new UsageError('jobs list | show <id> | cancel <id> | results <id> | upload <file> --model M');
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

run().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n(model-gateway --help lists the commands)\n`);
      process.exit(EXIT.usage);
    }
    if (e instanceof GatewayError) {
      process.stderr.write(`error: ${e.code}: ${e.message}\n`);
      process.exit(e.code === 'UNAVAILABLE' || e.code === 'TIMEOUT' ? EXIT.unavailable : EXIT.api);
    }
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(EXIT.usage);
  },
);
