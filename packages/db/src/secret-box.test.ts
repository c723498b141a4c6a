import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generateSecretKey,
  loadOrCreateSecretKey,
  parseSecretKey,
  SecretBox,
  SecretBoxError,
} from './secret-box.ts';

const box = new SecretBox(parseSecretKey(generateSecretKey()));

describe('secret box', () => {
  it('round-trips credentials', () => {
    const credentials = { clientId: 'id', clientSecret: 's3cr3t', refreshToken: '1000.abc.def' };
    const sealed = box.sealJson(credentials, 'connection-1');
    expect(sealed).not.toContain('s3cr3t');
    expect(box.openJson(sealed, 'connection-1')).toEqual(credentials);
  });

  it('seals the same text differently each time', () => {
    expect(box.seal('same')).not.toEqual(box.seal('same'));
  });

  it('rejects a tampered ciphertext instead of returning garbage', () => {
    const sealed = box.seal('a refresh token of some length');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 0x01;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
  });

  it.each([4, 8, 12, 15])('refuses a tag truncated to %i bytes (GCM tags are 16 bytes)', (bytes) => {
    const sealed = box.seal('a refresh token');
    const parts = sealed.split('.');
    parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, bytes).toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
  });

  it('rejects a value moved to another row (associated data)', () => {
    const sealed = box.seal('secret', 'connection-1');
    expect(() => box.open(sealed, 'connection-2')).toThrow(/integrity/);
  });

  it('names a wrong key as such', () => {
    const other = new SecretBox(parseSecretKey(generateSecretKey()));
    expect(() => other.open(box.seal('x'))).toThrow(/another LEADSYNC_SECRET_KEY/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => parseSecretKey('short')).toThrow(SecretBoxError);
    expect(() => parseSecretKey('ab'.repeat(31))).toThrow(SecretBoxError);
    expect(parseSecretKey('ab'.repeat(32))).toHaveLength(32);
  });
});

describe('secret key file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is generated once with mode 0600 and reused afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leadsync-key-'));
    dirs.push(dir);
    const first = await loadOrCreateSecretKey(dir);
    const second = await loadOrCreateSecretKey(dir);
    expect(second.equals(first)).toBe(true);
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
  });

  it('prefers the environment value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leadsync-key-'));
    dirs.push(dir);
    const key = generateSecretKey();
    expect((await loadOrCreateSecretKey(dir, key)).equals(parseSecretKey(key))).toBe(true);
  });
});
