import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CliConfig {
  url: string;
  token: string | null;
}

export const DEFAULT_URL = 'http://localhost:3000';

/** ~/.config/model-gateway/config.json (or under $XDG_CONFIG_HOME). */
export function configPath(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'model-gateway', 'config.json');
}

async function readStored(): Promise<Partial<CliConfig>> {
  try {
    return JSON.parse(await readFile(configPath(), 'utf8')) as Partial<CliConfig>;
  } catch {
    return {};
  }
}

/** Flags win over the environment, which wins over the stored login; an empty variable counts as unset. */
export async function loadConfig(flags: { url?: string; token?: string }): Promise<CliConfig> {
  const stored = await readStored();
  return {
    url: (flags.url || process.env.MODEL_GATEWAY_URL || stored.url || DEFAULT_URL).replace(/\/$/, ''),
    token: flags.token || process.env.MODEL_GATEWAY_TOKEN || stored.token || null,
  };
}

/** The token is a secret: the folder is 0700 and the file 0600, whatever the umask. */
export async function saveConfig(c: CliConfig): Promise<string> {
  const file = configPath();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

export async function removeConfig(): Promise<void> {
  await rm(configPath(), { force: true });
}
