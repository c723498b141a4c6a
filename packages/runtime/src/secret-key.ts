import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadOrCreateSecretKey, parseSecretKey, SecretBox } from '@leadsync/db';

export interface SecretKeySettings {
  LEADSYNC_DATA_DIR: string;
  LEADSYNC_SECRET_KEY?: string;
}

export class SecretKeyMissingError extends Error {
  constructor(dataDir: string) {
    super(
      `No secret key: LEADSYNC_SECRET_KEY is unset and ${join(dataDir, 'secret.key')} does not exist. ` +
        'Set LEADSYNC_SECRET_KEY to the key the server uses, or point LEADSYNC_DATA_DIR at its data directory.',
    );
    this.name = 'SecretKeyMissingError';
  }
}

/**
 * The server's secret key, from `LEADSYNC_SECRET_KEY` or `<data dir>/secret.key`, never generated (the CLI: a new
 * key could not open the stored credentials anyway).
 */
export async function readSecretKey(env: SecretKeySettings): Promise<{ key: Buffer; source: string }> {
  if (env.LEADSYNC_SECRET_KEY)
    return { key: parseSecretKey(env.LEADSYNC_SECRET_KEY), source: 'LEADSYNC_SECRET_KEY' };
  const path = join(env.LEADSYNC_DATA_DIR, 'secret.key');
  if (!existsSync(path)) throw new SecretKeyMissingError(env.LEADSYNC_DATA_DIR);
  return { key: parseSecretKey(await readFile(path, 'utf8')), source: path };
}

/** The secret box of a process: servers create the key on their first start, the CLI only reads it. */
export async function openSecretBox(
  env: SecretKeySettings,
  mode: 'load-or-create' | 'existing',
): Promise<SecretBox> {
  const key =
    mode === 'load-or-create'
      ? await loadOrCreateSecretKey(env.LEADSYNC_DATA_DIR, env.LEADSYNC_SECRET_KEY)
      : (await readSecretKey(env)).key;
  return new SecretBox(key);
}
