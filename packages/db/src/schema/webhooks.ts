import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, sameOrganizationKey, timestamptz } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';

/** The events a webhook can subscribe to; also the `event` of a delivered payload. */
export const WEBHOOK_EVENTS = ['RUN_SUCCEEDED', 'RUN_FAILED', 'CONNECTION_NEEDS_NEW_KEY'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'delivered', 'failed']);

export const webhooks = pgTable(
  'webhooks',
  {
    /** Chosen by the caller before the insert: it is the associated data of the sealed secret. */
    id: id(),
    organizationId: organizationIdColumn(),
    url: text().notNull(),
    events: text().array().$type<WebhookEvent[]>().notNull(),
    /** The signing secret sealed by the secret box (associated data: the webhook's id); shown in plain once. */
    secretEncrypted: text().notNull(),
    createdAt: createdAt(),
    /** Deleted webhooks stay (their delivery log with them) but receive nothing more. */
    deletedAt: timestamptz(),
  },
  (t) => [
    index('webhooks_organization_id_idx').on(t.organizationId),
    unique('webhooks_organization_id_id_key').on(t.organizationId, t.id),
    check(
      'webhooks_events_known',
      sql`cardinality(${t.events}) > 0 and ${t.events} <@ array['RUN_SUCCEEDED', 'RUN_FAILED', 'CONNECTION_NEEDS_NEW_KEY']::text[]`,
    ),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    webhookId: uuid().notNull(),
    organizationId: organizationIdColumn(),
    event: text().$type<WebhookEvent>().notNull(),
    /** What happened, once per webhook (`run:<id>`, `connection:<id>:<time>`): an event raised twice is sent once. */
    eventKey: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    lastError: text(),
    lastStatusCode: integer(),
    /** While pending: when the next attempt is due (during an attempt: when it is considered lost). */
    nextAttemptAt: timestamptz().notNull().defaultNow(),
    createdAt: createdAt(),
    deliveredAt: timestamptz(),
    /**
     * The outbox mark: null until a worker has given the delivery its job. The row is written in the transaction of
     * the change it reports (a run's end, a connection's refused key), so an event committed is never lost; the
     * workers' dispatcher gives a job to every row still unmarked (`findUndispatchedWebhookDeliveries`).
     */
    dispatchedAt: timestamptz(),
  },
  (t) => [
    unique('webhook_deliveries_webhook_event_key').on(t.webhookId, t.eventKey),
    index('webhook_deliveries_undispatched_idx')
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} is null and ${t.status} = 'pending'`),
    index('webhook_deliveries_webhook_created_idx').on(t.webhookId, t.createdAt.desc()),
    index('webhook_deliveries_organization_id_idx').on(t.organizationId),
    sameOrganizationKey('webhook_deliveries_webhook_fk', t.organizationId, t.webhookId, webhooks).onDelete(
      'cascade',
    ),
  ],
);

export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatus.enumValues)[number];
