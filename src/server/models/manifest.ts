import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { ZModelManifest, type TModelManifest } from './models.schema';

/** The gateway's root folder: built-in model paths are stored relative to it. */
// Inside the Next.js bundle import.meta.dirname is not this file's folder; the web server
// runs from the gateway's root, which is what it then needs.
export const projectRoot = process.env.GATEWAY_ROOT ?? (import.meta.dirname ? path.resolve(import.meta.dirname, '../../..') : process.cwd());

/** Reads and validates `model.json` in a model's folder; the runtime's cwd becomes that folder. */
export async function loadManifest(dir: string, name = 'model.json'): Promise<{ manifest: TModelManifest; codeDigest: string }> {
  const file = path.join(dir, name);
  const raw = await fs.readFile(file, 'utf8').catch(() => {
    throw new AppError('NOT_FOUND', `no manifest at ${file}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = ZModelManifest.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('INVALID_INPUT', `${file}: ${issues}`);
  }
  const manifest = parsed.data;
  const relative = path.relative(projectRoot, dir);
  const cwd = relative.startsWith('..') ? path.resolve(dir) : relative;
  if (manifest.runtime.kind === 'process') manifest.runtime = { ...manifest.runtime, cwd: manifest.runtime.cwd ?? cwd };
  return { manifest, codeDigest: await digestFolder(dir) };
}

/** Whether a program (a name on PATH, or a path) exists on this machine. */
export function onPath(program: string): boolean {
  if (program.includes('/')) return existsSync(program);
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, program)));
}

export async function digestFolder(dir: string): Promise<string> {
  const h = createHash('sha256');
  const entries = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((p) => !p.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
  for (const file of entries) {
    h.update(path.relative(dir, file));
    h.update(await fs.readFile(file));
  }
  return h.digest('hex');
}

