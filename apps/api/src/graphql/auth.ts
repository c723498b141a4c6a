import type { Database } from '@leadsync/db';
import { type ApiKeyPrincipal, ApiKeyRepository } from '@leadsync/db/repositories';
import { DomainError, DomainErrorCode } from './errors.ts';
import type { RateLimiter } from './rate-limit.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The API key of an `Authorization: Bearer <key>` header; `undefined` when there is none. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return BEARER.exec(header)?.[1];
}

/** The request limits authentication applies; each may be left out (no limit). */
export interface AuthLimits {
  /** Requests per API key. */
  perKey?: RateLimiter;
  /** Failed authentications per client address, and the caller's address. */
  failures?: { limiter: RateLimiter; address: string };
}

/**
 * Resolves the caller from the Authorization header, then takes one token of its key's rate limit. A client address
 * whose failed authentications used up their budget is refused before its key is even looked up. Throws
 * `unauthenticated` (no key, unknown or revoked key) or `rate_limited` (with the seconds to wait).
 */
export async function authenticate(
  db: Database,
  header: string | undefined,
  limits: AuthLimits = {},
): Promise<ApiKeyPrincipal> {
  const { failures } = limits;
  const blocked = failures?.limiter.wait(failures.address) ?? 0;
  if (blocked > 0) {
    throw new DomainError(
      DomainErrorCode.RateLimited,
      `Too many failed authentications from this address: try again in ${blocked} s`,
      { retryAfterSeconds: blocked },
    );
  }
  const key = bearerKey(header);
  const principal = key && key.length <= 200 ? await ApiKeyRepository.findByPlainKey(db, key) : undefined;
  if (!principal) {
    failures?.limiter.take(failures.address);
    throw new DomainError(
      DomainErrorCode.Unauthenticated,
      key ? 'This API key is not valid (unknown or revoked)' : 'Send an API key: Authorization: Bearer <key>',
    );
  }
  const wait = limits.perKey?.take(principal.apiKeyId) ?? 0;
  if (wait > 0) {
    throw new DomainError(
      DomainErrorCode.RateLimited,
      `Too many requests with this API key: try again in ${wait} s`,
      { retryAfterSeconds: wait },
    );
  }
  return principal;
}
