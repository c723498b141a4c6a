import { type ApiKeyPrincipal, ApiKeyRepository, type ApiKeyView } from '@leadsync/db/repositories';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { parse } from '../../graphql/validation.ts';
import { adminOnly, apiKeyNotFound } from './api-key.errors.ts';
import type { ApiKey, ApiKeyRole } from './api-key.type.ts';

const nameSchema = z.string().trim().min(1, 'a name is required').max(200, 'at most 200 characters');

export function toApiKey(view: ApiKeyView): ApiKey {
  return {
    id: view.id,
    name: view.name,
    role: view.role as ApiKeyRole,
    maskedKey: view.masked,
    createdAt: view.createdAt,
    lastUsedAt: view.lastUsedAt,
    revokedAt: view.revokedAt,
  };
}

/** Key management: admins only. */
export class ApiKeyService {
  private readonly keys: ApiKeyRepository;

  constructor(
    deps: ApiDeps,
    private readonly principal: ApiKeyPrincipal,
    private readonly onRevoke: (apiKeyId: string) => void = () => {},
  ) {
    this.keys = new ApiKeyRepository(deps.db, principal.organizationId);
  }

  private requireAdmin() {
    if (this.principal.role !== 'admin') throw adminOnly();
  }

  async list(): Promise<ApiKeyView[]> {
    this.requireAdmin();
    return this.keys.list();
  }

  async create(rawName: string, role: ApiKeyRole): Promise<{ apiKey: ApiKeyView; plainKey: string }> {
    this.requireAdmin();
    const name = parse(nameSchema, rawName, 'name');
    return this.keys.create({ name, role });
  }

  async revoke(id: string): Promise<boolean> {
    this.requireAdmin();
    const revoked = await this.keys.revoke(id);
    if (!revoked) {
      const exists = (await this.keys.list()).some((key) => key.id === id);
      if (!exists) throw apiKeyNotFound(id);
      return false;
    }
    this.onRevoke(id);
    return true;
  }
}
