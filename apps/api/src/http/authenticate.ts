import type { Database } from '@leadsync/db';
import type { Request, Response } from 'express';
import { type AuthLimits, authenticate } from '../graphql/auth.ts';
import { DomainError, graphqlShapeOf } from '../graphql/errors.ts';

/**
 * The organization of an HTTP route's caller (`Authorization: Bearer <key>`, then the key's rate limit). When the
 * key is refused, answers for the route (401 with `WWW-Authenticate: Bearer`, or 429 with `Retry-After`, as JSON
 * `{ error, code }`) and gives `undefined`.
 */
export async function organizationOfRequest(
  db: Database,
  req: Request,
  res: Response,
  limits: AuthLimits,
): Promise<string | undefined> {
  try {
    return (await authenticate(db, req.headers.authorization, limits)).organizationId;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { status, code } = graphqlShapeOf(error.code);
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json({ error: error.message, code });
    return undefined;
  }
}
