import { randomBytes } from 'node:crypto';
import type { SimulatorCredentials } from './types.ts';

/** Every scope the connector asks for (README, C4). */
export const DEFAULT_SCOPES = [
  'ZohoCRM.modules.leads.READ',
  'ZohoCRM.modules.contacts.READ',
  'ZohoCRM.settings.fields.READ',
  'ZohoCRM.users.READ',
];

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The scopes any one of which lets a token call `path` (README, C4); undefined: no scope is checked. */
export function scopeFor(path: string, params: URLSearchParams): string[] | undefined {
  if (path === '/users') return ['ZohoCRM.users.READ', 'ZohoCRM.users.ALL'];
  if (path === '/settings/fields')
    return ['ZohoCRM.settings.fields.READ', 'ZohoCRM.settings.fields.ALL', 'ZohoCRM.settings.ALL'];
  const module = path.split('/')[1] ?? params.get('module');
  if (!module) return undefined;
  const name = module.toLowerCase();
  return [
    `ZohoCRM.modules.${name}.READ`,
    `ZohoCRM.modules.${name}.ALL`,
    'ZohoCRM.modules.READ',
    'ZohoCRM.modules.ALL',
  ];
}

interface IssuedToken {
  expiresAt: number;
  generation: number;
}

/**
 * The Self Client's key and the access tokens minted from it (README, C3): a refused refresh token is HTTP 200
 * `{"error":"invalid_code"}`, a wrong client id or secret `{"error":"invalid_client"}`; an access token lives an hour;
 * a rotated key takes every token minted from the old one with it.
 */
export class KeyRing {
  credentials: SimulatorCredentials = {
    clientId: `1000.${hex(15).toUpperCase()}`,
    clientSecret: hex(20),
    refreshToken: `1000.${hex(16)}.${hex(16)}`,
  };
  private generation = 0;
  private readonly tokens = new Map<string, IssuedToken>();
  private scopes: readonly string[];

  constructor(
    scopes: readonly string[] | undefined,
    private readonly lifetimeMs: number,
  ) {
    this.scopes = scopes ?? DEFAULT_SCOPES;
  }

  exchange(params: URLSearchParams, apiDomain: string): Record<string, unknown> {
    const c = this.credentials;
    if (params.get('grant_type') !== 'refresh_token') return { error: 'unsupported_grant_type' };
    if (params.get('client_id') !== c.clientId || params.get('client_secret') !== c.clientSecret)
      return { error: 'invalid_client' };
    if (params.get('refresh_token') !== c.refreshToken) return { error: 'invalid_code' };
    const token = `1000.${hex(16)}.${hex(16)}`;
    this.tokens.set(token, { expiresAt: Date.now() + this.lifetimeMs, generation: this.generation });
    if (this.tokens.size > 10_000) this.tokens.delete(this.tokens.keys().next().value as string);
    return {
      access_token: token,
      scope: this.scopes.join(' '),
      api_domain: apiDomain,
      token_type: 'Bearer',
      expires_in: Math.round(this.lifetimeMs / 1000),
    };
  }

  /** The scopes of a valid `Zoho-oauthtoken` header; undefined for a missing, unknown, expired or revoked token. */
  scopesOf(authorization: string | undefined): readonly string[] | undefined {
    const match = /^Zoho-oauthtoken (\S+)$/.exec(authorization ?? '');
    const issued = match ? this.tokens.get(match[1] as string) : undefined;
    if (!issued || issued.generation !== this.generation || issued.expiresAt <= Date.now()) return undefined;
    return this.scopes;
  }

  rotate(): SimulatorCredentials {
    this.generation++;
    this.credentials = { ...this.credentials, refreshToken: `1000.${hex(16)}.${hex(16)}` };
    return this.credentials;
  }

  expireAccessTokens(): void {
    for (const issued of this.tokens.values()) issued.expiresAt = 0;
  }

  setScopes(scopes: readonly string[]): void {
    this.scopes = [...scopes];
  }
}
