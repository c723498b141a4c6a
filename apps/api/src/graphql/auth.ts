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

/**
 * Resolves the caller from the Authorization header, then takes one token of its rate limit. Throws
 * `unauthenticated` (no key, unknown or revoked key) or `rate_limited` (with the seconds to wait).
 */
export async function authenticate(
  db: Database,
  header: string | undefined,
  limiter?: RateLimiter,
): Promise<ApiKeyPrincipal> {
  const key = bearerKey(header);
  if (!key) {
    throw new DomainError(DomainErrorCode.Unauthenticated, 'Send an API key: Authorization: Bearer <key>');
  }
  const principal = key.length <= 200 ? await ApiKeyRepository.findByPlainKey(db, key) : undefined;
  if (!principal)
    throw new DomainError(DomainErrorCode.Unauthenticated, 'This API key is not valid (unknown or revoked)');
  const wait = limiter?.take(principal.apiKeyId) ?? 0;
  if (wait > 0) {
    throw new DomainError(
      DomainErrorCode.RateLimited,
      `Too many requests with this API key: try again in ${wait} s`,
      { retryAfterSeconds: wait },
    );
  }
  return principal;
}
