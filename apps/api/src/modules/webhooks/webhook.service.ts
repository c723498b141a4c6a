import { randomUUID } from 'node:crypto';
import { type WebhookDeliveryLogEntry, WebhookRepository } from '@leadsync/db/repositories';
import type { Webhook as WebhookRow } from '@leadsync/db/schema';
import { generateWebhookSecret, webhookUrlProblem } from '@leadsync/webhooks';
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { parse } from '../../graphql/validation.ts';
import { refusedWebhookUrl, webhookNotFound } from './webhook.errors.ts';
import {
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  WebhookEvent,
} from './webhook.type.ts';

const createWebhookSchema = z.object({
  url: z.string().trim().min(1, 'a URL is required').max(2_000, 'at most 2,000 characters'),
  events: z
    .array(z.enum(WebhookEvent))
    .min(1, 'at least one event')
    .transform((events) => [...new Set(events)]),
});

/** A webhook as the API shows it; the plain secret only when given (createWebhook's answer). */
export function toWebhook(row: WebhookRow, secret: string | null = null): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events.map((event) => event as WebhookEvent),
    secret,
    createdAt: row.createdAt,
  };
}

export function toWebhookDelivery(row: WebhookDeliveryLogEntry): WebhookDelivery {
  return {
    id: row.id,
    event: row.event as WebhookEvent,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    lastStatusCode: row.lastStatusCode,
    createdAt: row.createdAt,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    deliveredAt: row.deliveredAt,
  };
}

/** The organization's webhooks. Events are queued and sent by the workers (`@leadsync/jobs`' `webhook.deliver`). */
export class WebhookService {
  private readonly webhooks: WebhookRepository;
  /** Per request and page size: the delivery logs of every webhook in one query. */
  private readonly deliveryLoaders = new Map<number, DataLoader<string, WebhookDeliveryLogEntry[]>>();

  constructor(
    private readonly deps: ApiDeps,
    organizationId: string,
  ) {
    this.webhooks = new WebhookRepository(deps.db, organizationId);
  }

  list(): Promise<WebhookRow[]> {
    return this.webhooks.list();
  }

  /**
   * The target must pass `LEADSYNC_ALLOWED_HOSTS` (as source URL overrides do). The secret is sealed with the
   * webhook's id as associated data, and returned here in plain, once.
   */
  async create(rawUrl: string, rawEvents: readonly string[]): Promise<{ row: WebhookRow; secret: string }> {
    const input = parse(createWebhookSchema, { url: rawUrl, events: rawEvents }, '');
    const problem = webhookUrlProblem(input.url, this.deps.allowedHosts);
    if (problem) throw refusedWebhookUrl(problem);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const row = await this.webhooks.create({
      id,
      url: input.url,
      events: input.events,
      secretEncrypted: this.deps.secretBox.seal(secret, id),
    });
    return { row, secret };
  }

  async delete(id: string): Promise<boolean> {
    if (!(await this.webhooks.delete(id))) throw webhookNotFound(id);
    return true;
  }

  async deliveries(webhookId: string, first: number): Promise<WebhookDeliveryLogEntry[]> {
    const limit = Math.min(Math.max(first, 0), 100);
    let loader = this.deliveryLoaders.get(limit);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const found = await this.webhooks.recentDeliveries(ids, limit);
        return ids.map((id) => found.get(id) ?? []);
      });
      this.deliveryLoaders.set(limit, loader);
    }
    return loader.load(webhookId);
  }
}
