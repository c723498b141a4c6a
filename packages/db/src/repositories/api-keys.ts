import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type ApiKey, type ApiKeyRole, apiKeys } from '../schema/api-keys.ts';
import { preparedSql } from './prepared.ts';

/** How many leading characters of a plain key are kept for display. */
const PREFIX_LENGTH = 12;
/** `last_used_at` is written at most this often per key, so authentication is not a write per request. */
const LAST_USED_RESOLUTION = '1 minute';

/** What may be shown about a key: never its hash, never the key. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  /** The prefix followed by an ellipsis, e.g. `lsk_AbCdEfGh…`. */
  masked: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The identity behind a valid key. */
export interface ApiKeyPrincipal {
  apiKeyId: string;
  organizationId: string;
  role: ApiKeyRole;
  name: string;
}

/** SHA-256 hex of a plain key, as stored in `api_keys.key_hash`. */
export function hashApiKey(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

/** A new random key: `lsk_` and 32 base64url characters (192 bits). */
export function generateApiKey(): string {
  return `lsk_${randomBytes(24).toString('base64url')}`;
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    masked: `${row.prefix}…`,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

interface KeyRow {
  id: string;
  organization_id: string;
  role: ApiKeyRole;
  name: string;
}

/** Every API request's first statement: prepared once per connection (issue 22), the key's hash its parameter. */
const findByHash = sql`
  WITH found AS (
    SELECT id, organization_id, role, name, last_used_at FROM ${apiKeys}
    WHERE key_hash = ${sql.placeholder('hash')} AND revoked_at IS NULL
  ), touched AS (
    UPDATE ${apiKeys} SET last_used_at = now()
    FROM found
    WHERE ${apiKeys}.id = found.id
      AND (found.last_used_at IS NULL OR found.last_used_at < now() - ${sql.raw(`'${LAST_USED_RESOLUTION}'`)}::interval)
  )
  SELECT id, organization_id, role, name FROM found`;

export class ApiKeyRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  /**
   * Authenticates a plain key across all organizations: revoked and unknown keys give `undefined`.
   * One round trip; refreshes `last_used_at` when it is older than a minute.
   */
  static async findByPlainKey(db: Executor, plain: string): Promise<ApiKeyPrincipal | undefined> {
    if (!plain) return undefined;
    const rows = await preparedSql<KeyRow>(db, 'api_keys_find_by_hash', findByHash).execute({
      hash: hashApiKey(plain),
    });
    const row = rows[0];
    return row
      ? { apiKeyId: row.id, organizationId: row.organization_id, role: row.role, name: row.name }
      : undefined;
  }

  /** Creates a key; the plain key is returned here and never again. */
  async create(input: {
    name: string;
    role?: ApiKeyRole;
  }): Promise<{ apiKey: ApiKeyView; plainKey: string }> {
    const plainKey = generateApiKey();
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        organizationId: this.organizationId,
        name: input.name,
        role: input.role ?? 'member',
        keyHash: hashApiKey(plainKey),
        prefix: plainKey.slice(0, PREFIX_LENGTH),
      })
      .returning();
    if (!row) throw new Error('insert returned no api key');
    return { apiKey: toView(row), plainKey };
  }

  /**
   * Creates `plain` as an admin key of this organization (the operator's `LEADSYNC_ADMIN_KEY`) when no key has that
   * value yet; otherwise returns the existing key unchanged. A key revoked through the API stays revoked (check
   * `revokedAt`): restarting with the same value never revives it. A key of another organization is refused.
   */
  async ensureAdminKey(plain: string, name = 'Admin key'): Promise<ApiKeyView> {
    if (plain.length < 16) throw new Error('An admin key must be at least 16 characters long');
    const keyHash = hashApiKey(plain);
    const [created] = await this.db
      .insert(apiKeys)
      .values({
        organizationId: this.organizationId,
        name,
        role: 'admin',
        keyHash,
        prefix: plain.slice(0, PREFIX_LENGTH),
      })
      .onConflictDoNothing({ target: apiKeys.keyHash })
      .returning();
    if (created) return toView(created);
    const [existing] = await this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
    if (!existing || existing.organizationId !== this.organizationId)
      throw new Error('This API key already belongs to another organization');
    return toView(existing);
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.organizationId, this.organizationId))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    return rows.map(toView);
  }

  /** True when the key was active and is now revoked. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.db
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(
        and(eq(apiKeys.organizationId, this.organizationId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)),
      )
      .returning({ id: apiKeys.id });
    return rows.length > 0;
  }
}
