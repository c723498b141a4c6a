import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestLog, readBody, send, ZohoError } from './http.ts';
import type { SeededRandom } from './random.ts';
import type { SimulatorCredentials, StartSimulatorOptions } from './types.ts';

/**
 * The accounts server (`POST /oauth/v2/token`, refresh-token grant) and the access tokens it hands out: the key's
 * credentials, token lifetimes, the per-refresh-token mint limit, key rotation.
 */

function hex(random: SeededRandom, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random.next() * 16).toString(16);
  return out;
}

function newToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

export class OAuthServer {
  private current: SimulatorCredentials;
  private readonly accessTokens = new Map<string, { refreshToken: string; expiresAt: number }>();
  private readonly mints = new Map<string, number[]>();
  private readonly tokenLifetimeMs: number;
  private readonly mintLimit: { limit: number; windowMs: number } | false;

  constructor(
    random: SeededRandom,
    options: StartSimulatorOptions,
    /** The API origin named as `api_domain` in a token answer (known once the server listens). */
    private readonly apiDomain: () => string,
    private readonly log: RequestLog,
  ) {
    this.tokenLifetimeMs = (options.accessTokenLifetimeSeconds ?? 3600) * 1000;
    this.mintLimit =
      options.tokenMintLimit === undefined ? { limit: 10, windowMs: 600_000 } : options.tokenMintLimit;
    this.current = {
      clientId: options.clientId ?? `1000.${hex(random, 30).toUpperCase()}`,
      clientSecret: options.clientSecret ?? hex(random, 42),
      refreshToken: `1000.${hex(random, 32)}.${hex(random, 32)}`,
    };
  }

  get credentials(): SimulatorCredentials {
    return { ...this.current };
  }

  /** A new refresh token; the old one and every access token minted from it stop working. */
  rotateKey(): SimulatorCredentials {
    const old = this.current.refreshToken;
    this.current = { ...this.current, refreshToken: newToken() };
    for (const [token, info] of this.accessTokens)
      if (info.refreshToken === old) this.accessTokens.delete(token);
    return { ...this.current };
  }

  expireAccessTokens(): void {
    for (const info of this.accessTokens.values()) info.expiresAt = 0;
  }

  /** A live access token of the current key in `Authorization: Zoho-oauthtoken …`, or 401 code 57. */
  authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header);
    const info = match?.[1] ? this.accessTokens.get(match[1]) : undefined;
    if (!info || info.expiresAt <= Date.now() || info.refreshToken !== this.current.refreshToken) {
      throw new ZohoError(401, 57, 'You are not authorized to perform this operation');
    }
  }

  /** `POST /oauth/v2/token`: parameters in the query or the form body, as Zoho accepts both. */
  async handleToken(req: IncomingMessage, res: ServerResponse, url: URL, malformed: boolean): Promise<void> {
    const params = new URLSearchParams(url.searchParams);
    const body = await readBody(req);
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    const { status, answer } = this.grant(params);
    this.log.record(req, url, status);
    send(res, status, answer, {}, malformed);
  }

  private grant(params: URLSearchParams): { status: number; answer: Record<string, unknown> } {
    const refreshToken = params.get('refresh_token') ?? '';
    if (params.get('grant_type') !== 'refresh_token')
      return { status: 200, answer: { error: 'unsupported_grant_type' } };
    if (
      params.get('client_id') !== this.current.clientId ||
      params.get('client_secret') !== this.current.clientSecret
    )
      return { status: 200, answer: { error: 'invalid_client' } };
    if (refreshToken !== this.current.refreshToken) return { status: 200, answer: { error: 'invalid_code' } };
    const now = Date.now();
    const limit = this.mintLimit;
    const recent = (this.mints.get(refreshToken) ?? []).filter((t) => !limit || t > now - limit.windowMs);
    if (limit && recent.length >= limit.limit) {
      return {
        status: 400,
        answer: {
          error: 'Access Denied',
          error_description:
            'You have made too many requests continuously. Please try again after some time.',
          status: 'failure',
        },
      };
    }
    recent.push(now);
    this.mints.set(refreshToken, recent);
    const token = newToken();
    this.accessTokens.set(token, { refreshToken, expiresAt: now + this.tokenLifetimeMs });
    return {
      status: 200,
      answer: {
        access_token: token,
        expires_in: Math.round(this.tokenLifetimeMs / 1000),
        api_domain: this.apiDomain(),
        token_type: 'Bearer',
      },
    };
  }
}
