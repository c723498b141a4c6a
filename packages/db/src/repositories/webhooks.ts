import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import {
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
  webhookDeliveries,
  webhooks,
} from '../schema/webhooks.ts';
import { isUuid, onlyUuids } from './ids.ts';

export interface CreateWebhookInput {
  /** Chosen by the caller: the secret is sealed with the id as associated data before the row exists. */
  id: string;
  url: string;
  events: WebhookEvent[];
  /** From the secret box; this package never sees the plain secret. */
  secretEncrypted: string;
}

/** One attempt, claimed: the delivery (attempts already counted) and where and how to send it. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  webhook: Pick<Webhook, 'id' | 'url' | 'secretEncrypted'>;
}

/** A delivery as its log shows it (recentDeliveries). */
export type WebhookDeliveryLogEntry = Pick<
  WebhookDelivery,
  | 'id'
  | 'webhookId'
  | 'event'
  | 'status'
  | 'attempts'
  | 'lastError'
  | 'lastStatusCode'
  | 'createdAt'
  | 'nextAttemptAt'
  | 'deliveredAt'
>;

const deliveryLogColumns = {
  id: webhookDeliveries.id,
  webhookId: webhookDeliveries.webhookId,
  event: webhookDeliveries.event,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastError: webhookDeliveries.lastError,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  createdAt: webhookDeliveries.createdAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  deliveredAt: webhookDeliveries.deliveredAt,
};

export type AttemptResult =
  | { delivered: true; statusCode: number }
  | {
      delivered: false;
      error: string;
      statusCode: number | null;
      /** When to try again; null: give up (the delivery is `failed`). */
      retryAt: Date | null;
    };

/** The last error of the pending deliveries of a webhook that is deleted. */
export const WEBHOOK_DELETED = 'the webhook was deleted';

/**
 * The organization's webhooks and their delivery log. Sending is the worker's (`webhook.deliver`); this repository
 * keeps the state that makes each attempt happen once: `claimAttempt` is a conditional update, so of two processes
 * holding the same job only one gets the attempt.
 */
export class WebhookRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private scoped(id: string) {
    return and(
      eq(webhooks.organizationId, this.organizationId),
      eq(webhooks.id, id),
      isNull(webhooks.deletedAt),
    );
  }

  async create(input: CreateWebhookInput): Promise<Webhook> {
    const [row] = await this.db
      .insert(webhooks)
      .values({ ...input, organizationId: this.organizationId })
      .returning();
    if (!row) throw new Error('insert returned no webhook');
    return row;
  }

  async get(id: string): Promise<Webhook | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(webhooks).where(this.scoped(id));
    return row;
  }

  /** The webhooks that are not deleted, oldest first. */
  async list(): Promise<Webhook[]> {
    return this.db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.organizationId, this.organizationId), isNull(webhooks.deletedAt)))
      .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  }

  /** Soft delete: the webhook receives nothing more; its pending deliveries fail, in the same statement. */
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.db
      .with(
        this.db.$with('abandoned').as(
          this.db
            .update(webhookDeliveries)
            .set({ status: 'failed', lastError: WEBHOOK_DELETED })
            .where(
              and(
                eq(webhookDeliveries.organizationId, this.organizationId),
                eq(webhookDeliveries.webhookId, id),
                eq(webhookDeliveries.status, 'pending'),
              ),
            )
            .returning({ id: webhookDeliveries.id }),
        ),
      )
      .update(webhooks)
      .set({ deletedAt: sql`now()` })
      .where(this.scoped(id))
      .returning({ id: webhooks.id });
    return rows.length > 0;
  }

  /**
   * One pending delivery per webhook of the organization subscribed to `event`, in one statement; an `eventKey`
   * already delivered to (or queued for) a webhook adds nothing. Returns the new deliveries' ids. Due at once, to
   * the millisecond (a JS Date has no microseconds: a claim made within the same millisecond must find it due).
   */
  async enqueue(event: WebhookEvent, eventKey: string, payload: Record<string, unknown>): Promise<string[]> {
    const rows = await this.db.execute<{ id: string }>(sql`
      insert into ${webhookDeliveries} (webhook_id, organization_id, event, event_key, payload, next_attempt_at)
      select ${webhooks.id}, ${webhooks.organizationId}, ${event}, ${eventKey}, ${JSON.stringify(payload)}::jsonb,
        date_trunc('milliseconds', now())
      from ${webhooks}
      where ${webhooks.organizationId} = ${this.organizationId}
        and ${webhooks.deletedAt} is null
        and ${event} = any(${webhooks.events})
      on conflict (webhook_id, event_key) do nothing
      returning id`);
    return rows.map((row) => row.id);
  }

  /**
   * The newest deliveries of each webhook (at most `limit` each), newest first; one query. The log's columns only:
   * not the event's body (`payload`) nor the sender's bookkeeping, which no reader of the log needs.
   */
  async recentDeliveries(
    webhookIds: readonly string[],
    limit = 20,
  ): Promise<Map<string, WebhookDeliveryLogEntry[]>> {
    const ids = onlyUuids(webhookIds);
    const byWebhook = new Map<string, WebhookDeliveryLogEntry[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return byWebhook;
    const ranked = this.db.$with('ranked').as(
      this.db
        .select({
          id: webhookDeliveries.id,
          rank: sql<number>`row_number() over (partition by ${webhookDeliveries.webhookId} order by ${webhookDeliveries.createdAt} desc, ${webhookDeliveries.id} desc)`.as(
            'rank',
          ),
        })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.organizationId, this.organizationId),
            inArray(webhookDeliveries.webhookId, ids),
          ),
        ),
    );
    const rows = await this.db
      .with(ranked)
      .select({ delivery: deliveryLogColumns })
      .from(webhookDeliveries)
      .innerJoin(ranked, eq(ranked.id, webhookDeliveries.id))
      .where(lte(ranked.rank, limit))
      .orderBy(sql`${webhookDeliveries.createdAt} desc`, sql`${webhookDeliveries.id} desc`);
    for (const { delivery } of rows) byWebhook.get(delivery.webhookId)?.push(delivery);
    return byWebhook;
  }

  async getDelivery(id: string): Promise<WebhookDelivery | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.organizationId, this.organizationId), eq(webhookDeliveries.id, id)));
    return row;
  }

  /**
   * Takes the next attempt of a pending delivery that is due: counts it and moves `next_attempt_at` to
   * `leaseUntil`, so that a second process with the same job finds it not due and sends nothing, while an attempt
   * lost with its process is due again once the lease has passed. Undefined: nothing to do now. A delivery whose
   * webhook was deleted fails here instead.
   */
  async claimAttempt(
    deliveryId: string,
    options: { now: Date; leaseUntil: Date },
  ): Promise<ClaimedDelivery | undefined> {
    if (!isUuid(deliveryId)) return undefined;
    const [row] = await this.db
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        nextAttemptAt: options.leaseUntil,
      })
      .from(webhooks)
      .where(
        and(
          eq(webhookDeliveries.organizationId, this.organizationId),
          eq(webhookDeliveries.id, deliveryId),
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, options.now),
          eq(webhooks.id, webhookDeliveries.webhookId),
          isNull(webhooks.deletedAt),
        ),
      )
      .returning({
        delivery: webhookDeliveries,
        webhook: { id: webhooks.id, url: webhooks.url, secretEncrypted: webhooks.secretEncrypted },
      });
    return row;
  }

  /**
   * The result of attempt number `attempt` (as claimed). Ignored when that attempt is no longer the latest (its
   * lease passed and another process made a newer one).
   */
  async recordAttempt(
    deliveryId: string,
    attempt: number,
    result: AttemptResult,
  ): Promise<WebhookDelivery | undefined> {
    if (!isUuid(deliveryId)) return undefined;
    const patch = result.delivered
      ? {
          status: 'delivered' as const,
          lastStatusCode: result.statusCode,
          lastError: null,
          deliveredAt: sql`now()`,
        }
      : {
          status: result.retryAt ? ('pending' as const) : ('failed' as const),
          lastStatusCode: result.statusCode,
          lastError: result.error,
          ...(result.retryAt ? { nextAttemptAt: result.retryAt } : {}),
        };
    const [row] = await this.db
      .update(webhookDeliveries)
      .set(patch)
      .where(
        and(
          eq(webhookDeliveries.organizationId, this.organizationId),
          eq(webhookDeliveries.id, deliveryId),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookDeliveries.attempts, attempt),
        ),
      )
      .returning();
    return row;
  }
}

/**
 * Pending deliveries of every organization, oldest first. Unscoped, for the worker's start-up sweep that gives a job
 * to a delivery whose job was never created (the job store unreachable right after the event).
 */
export async function findPendingWebhookDeliveries(
  db: Executor,
  limit = 10_000,
): Promise<{ id: string; organizationId: string }[]> {
  return db
    .select({ id: webhookDeliveries.id, organizationId: webhookDeliveries.organizationId })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, 'pending'))
    .orderBy(asc(webhookDeliveries.createdAt))
    .limit(limit);
}

/**
 * The outbox: pending deliveries that no worker has given a job yet (written in the transaction of a run's end or a
 * refused key, by any process: a worker, the API, the CLI), oldest first. Unscoped, for the workers' dispatcher.
 */
export async function findUndispatchedWebhookDeliveries(
  db: Executor,
  limit = 500,
): Promise<{ id: string; organizationId: string }[]> {
  return db
    .select({ id: webhookDeliveries.id, organizationId: webhookDeliveries.organizationId })
    .from(webhookDeliveries)
    .where(and(isNull(webhookDeliveries.dispatchedAt), eq(webhookDeliveries.status, 'pending')))
    .orderBy(asc(webhookDeliveries.createdAt))
    .limit(limit);
}

/** Marks deliveries as handed to the job store (after their jobs were saved: a crash in between only repeats that). */
export async function markWebhookDeliveriesDispatched(db: Executor, ids: readonly string[]): Promise<void> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return;
  await db
    .update(webhookDeliveries)
    .set({ dispatchedAt: sql`now()` })
    .where(and(inArray(webhookDeliveries.id, valid), isNull(webhookDeliveries.dispatchedAt)));
}
