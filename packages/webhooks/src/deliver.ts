import type { Logger } from '@leadsync/connector-sdk';
import type { AttemptResult, Database, SecretBox } from '@leadsync/db';
import { WebhookRepository } from '@leadsync/db';
import { webhookUrlProblem } from './hosts.ts';
import { SIGNATURE_HEADER, signWebhookBody } from './signature.ts';

export interface WebhookRetrySettings {
  /** Bound on one attempt: connecting, sending and the answer's status (default 10 s). */
  timeoutMs: number;
  /** Delay after the first failed attempt; doubled after each further one (default 30 s). */
  initialDelayMs: number;
  /** Longest delay between two attempts (default 1 h). */
  maxDelayMs: number;
  /** No attempt starts later than this after the event (default 24 h); then the delivery is `failed`. */
  retryForMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetrySettings = {
  timeoutMs: 10_000,
  initialDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  retryForMs: 86_400_000,
};

/** Beyond the timeout, how long a claimed attempt may take before another process may try again. */
const LEASE_MARGIN_MS = 30_000;

/**
 * What the delivery log (`lastError`, shown to the tenant) says of a failed attempt: no more than this. Connection
 * errors, timeouts and redirects would tell a tenant which ports of the server's network answer; the detail goes to
 * the operator's log only. The receiver's own HTTP status stays in `lastStatusCode`.
 */
export const WEBHOOK_NOT_ALLOWED = 'not allowed';
export const WEBHOOK_NOT_DELIVERED = 'could not deliver';

export interface WebhookDelivererDeps {
  db: Database;
  secretBox: SecretBox;
  allowedHosts: readonly string[];
  logger: Logger;
  retry?: Partial<WebhookRetrySettings>;
  now?: () => Date;
  /** In [0, 1): the jitter. */
  random?: () => number;
  fetch?: typeof fetch;
}

/** What the job does with itself afterwards: run again at that time, or end (null). */
export type WebhookDeliverer = (job: { organizationId: string; deliveryId: string }) => Promise<Date | null>;

/**
 * Delay before attempt `attempts + 1`: exponential, capped, with "equal jitter" (half fixed, half random), so
 * receivers that failed together are not retried together.
 */
export function retryDelayMs(attempts: number, settings: WebhookRetrySettings, random: () => number): number {
  const exponential = settings.initialDelayMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(settings.maxDelayMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/**
 * One attempt of one delivery, as the `webhook.deliver` job makes it. The attempt is claimed in the database first
 * (`WebhookRepository.claimAttempt`), so however many workers hold the job, each attempt is sent by one process.
 * POST, JSON, `Leadsync-Signature`, bounded by `timeoutMs`, redirects not followed (a 3xx is a failure); a 2xx is
 * delivered; anything else is retried with backoff until `retryForMs` after the event, then `failed`.
 */
export function createWebhookDeliverer(deps: WebhookDelivererDeps): WebhookDeliverer {
  const settings = { ...DEFAULT_WEBHOOK_RETRY, ...deps.retry };
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const send = deps.fetch ?? fetch;

  return async ({ organizationId, deliveryId }) => {
    const repository = new WebhookRepository(deps.db, organizationId);
    const startedAt = now();
    const claimed = await repository.claimAttempt(deliveryId, {
      now: startedAt,
      leaseUntil: new Date(startedAt.getTime() + settings.timeoutMs + LEASE_MARGIN_MS),
    });
    if (!claimed) {
      // Not due (another process holds this attempt, or the retry time is ahead) or finished.
      const current = await repository.getDelivery(deliveryId);
      if (current?.status !== 'pending') return null;
      return new Date(Math.max(current.nextAttemptAt.getTime(), startedAt.getTime() + 1_000));
    }
    const { delivery, webhook } = claimed;
    const log = { organizationId, deliveryId, webhookId: webhook.id, attempt: delivery.attempts };
    let detail = '';
    const finish = async (result: AttemptResult): Promise<Date | null> => {
      await repository.recordAttempt(deliveryId, delivery.attempts, result);
      if (result.delivered) deps.logger.info({ ...log, status: result.statusCode }, 'webhook delivered');
      else
        deps.logger.warn(
          {
            ...log,
            error: detail,
            status: result.statusCode,
            retryAt: result.retryAt?.toISOString() ?? null,
          },
          result.retryAt ? 'webhook attempt failed: retrying later' : 'webhook delivery failed for good',
        );
      return result.delivered ? null : result.retryAt;
    };

    const refused = webhookUrlProblem(webhook.url, deps.allowedHosts);
    if (refused) {
      detail = refused;
      return finish({ delivered: false, error: WEBHOOK_NOT_ALLOWED, statusCode: null, retryAt: null });
    }
    let secret: string;
    try {
      secret = deps.secretBox.open(webhook.secretEncrypted, webhook.id);
    } catch (error) {
      detail = `the signing secret cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      return finish({
        delivered: false,
        error: WEBHOOK_NOT_DELIVERED,
        statusCode: null,
        retryAt: null,
      });
    }

    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(now().getTime() / 1000);
    let statusCode: number | null = null;
    try {
      const response = await send(webhook.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Leadsync-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhookBody(secret, body, timestamp),
          'Leadsync-Event': delivery.event,
          'Leadsync-Delivery': delivery.id,
        },
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) {
        return finish({ delivered: true, statusCode: response.status });
      }
      detail =
        response.status >= 300 && response.status < 400
          ? `HTTP ${response.status} (redirects are not followed)`
          : `HTTP ${response.status}`;
    } catch (caught) {
      detail = describeFetchError(caught, settings.timeoutMs);
    }
    const retryAt = new Date(now().getTime() + retryDelayMs(delivery.attempts, settings, random));
    const giveUp = retryAt.getTime() > delivery.createdAt.getTime() + settings.retryForMs;
    return finish({
      delivered: false,
      error: WEBHOOK_NOT_DELIVERED,
      statusCode,
      retryAt: giveUp ? null : retryAt,
    });
  };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return `Could not connect: ${cause.code}`;
  if (typeof cause?.message === 'string') return `Could not connect: ${cause.message}`;
  return error instanceof Error ? error.message : String(error);
}
