import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** GCM's full tag. A shorter one is refused: Node would accept 4 to 15 bytes and check only those, easing forgery. */
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * AES-256-GCM for connection credentials. A sealed value is
 * `v1.<key id>.<iv>.<auth tag>.<ciphertext>` (base64url parts): the key id says which key sealed it, so a wrong key
 * is named as such instead of looking like tampering. Optional associated data binds a value to its row.
 */
export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES)
      throw new SecretBoxError(`A secret key has ${KEY_BYTES} bytes, got ${key.length}`);
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, this.keyId, ...parts].join('.');
  }

  open(sealed: string, associatedData = ''): string {
    const [version, keyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !tag || ciphertext === undefined || rest.length > 0) {
      throw new SecretBoxError('Not a sealed secret');
    }
    if (keyId !== this.keyId) {
      throw new SecretBoxError('This secret was sealed with another LEADSYNC_SECRET_KEY');
    }
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) {
      throw new SecretBoxError('A sealed secret failed its integrity check (tampered or corrupted)');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('A sealed secret failed its integrity check (tampered or corrupted)');
    }
  }

  sealJson(value: unknown, associatedData = ''): string {
    return this.seal(JSON.stringify(value), associatedData);
  }

  openJson<T = unknown>(sealed: string, associatedData = ''): T {
    return JSON.parse(this.open(sealed, associatedData)) as T;
  }
}

/** Accepts 32 bytes as 64 hex characters or as base64/base64url. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new SecretBoxError('A secret key is 32 bytes written as 64 hex characters or 44 base64 characters');
}

export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The key from the environment's value when given, else `<dataDir>/secret.key`, generated (mode 0600) on first use. */
export async function loadOrCreateSecretKey(dataDir: string, fromEnvironment?: string): Promise<Buffer> {
  if (fromEnvironment) return parseSecretKey(fromEnvironment);
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return parseSecretKey(await readFile(path, 'utf8'));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(path, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return parseSecretKey(await readFile(path, 'utf8'));
}
