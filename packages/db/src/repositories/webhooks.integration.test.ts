import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test-support.ts';
import { createOrganization } from './organizations.ts';
import { findPendingWebhookDeliveries, WEBHOOK_DELETED, WebhookRepository } from './webhooks.ts';

const t = useTestDatabase();

async function newWebhooks(events: ('RUN_SUCCEEDED' | 'RUN_FAILED' | 'CONNECTION_NEEDS_NEW_KEY')[]) {
  const organization = await createOrganization(t.db, `Org ${randomUUID()}`);
  const repository = new WebhookRepository(t.db, organization.id);
  const webhook = await repository.create({
    id: randomUUID(),
    url: 'http://127.0.0.1:9/hook',
    events,
    secretEncrypted: 'sealed',
  });
  return { organization, repository, webhook };
}

describe('webhooks', () => {
  it('an event makes one delivery per subscribed webhook, and the same event key only once', async () => {
    const { repository, webhook } = await newWebhooks(['RUN_SUCCEEDED']);
    const other = await repository.create({
      id: randomUUID(),
      url: 'http://127.0.0.1:9/other',
      events: ['RUN_FAILED'],
      secretEncrypted: 'sealed',
    });
    const ids = await repository.enqueue('RUN_SUCCEEDED', 'run:1', { event: 'RUN_SUCCEEDED' });
    expect(ids).toHaveLength(1);
    expect(await repository.enqueue('RUN_SUCCEEDED', 'run:1', { event: 'RUN_SUCCEEDED' })).toEqual([]);
    const log = await repository.recentDeliveries([webhook.id, other.id]);
    expect(log.get(webhook.id)?.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ['RUN_SUCCEEDED', 'pending', 0],
    ]);
    expect(log.get(other.id)).toEqual([]);
    // The log is for people: the event's body (payload, possibly large) is not read for it.
    expect(Object.keys(log.get(webhook.id)?.[0] ?? {}).sort()).toEqual([
      'attempts',
      'createdAt',
      'deliveredAt',
      'event',
      'id',
      'lastError',
      'lastStatusCode',
      'nextAttemptAt',
      'status',
      'webhookId',
    ]);
  });

  it('an attempt is claimed by one caller only, and a failed one is due again at its retry time', async () => {
    const { repository } = await newWebhooks(['RUN_FAILED']);
    const [id] = await repository.enqueue('RUN_FAILED', 'run:2', { event: 'RUN_FAILED' });
    if (!id) throw new Error('no delivery');
    const now = new Date(Date.now() + 1_000);
    const leaseUntil = new Date(now.getTime() + 30_000);
    const claims = await Promise.all([
      repository.claimAttempt(id, { now, leaseUntil }),
      repository.claimAttempt(id, { now, leaseUntil }),
    ]);
    const claimed = claims.filter((claim) => claim !== undefined);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.delivery.attempts).toBe(1);
    expect(claimed[0]?.webhook.secretEncrypted).toBe('sealed');

    const retryAt = new Date(now.getTime() + 5_000);
    await repository.recordAttempt(id, 1, { delivered: false, error: 'HTTP 500', statusCode: 500, retryAt });
    expect(await repository.claimAttempt(id, { now, leaseUntil })).toBeUndefined();
    const again = await repository.claimAttempt(id, { now: retryAt, leaseUntil });
    expect(again?.delivery.attempts).toBe(2);
    // A late result of the first attempt changes nothing.
    expect(await repository.recordAttempt(id, 1, { delivered: true, statusCode: 200 })).toBeUndefined();
    const delivered = await repository.recordAttempt(id, 2, { delivered: true, statusCode: 204 });
    expect(delivered).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 204,
      lastError: null,
    });
  });

  it('giving up fails the delivery for good', async () => {
    const { repository } = await newWebhooks(['RUN_FAILED']);
    const [id] = await repository.enqueue('RUN_FAILED', 'run:3', {});
    if (!id) throw new Error('no delivery');
    const now = new Date(Date.now() + 1_000);
    await repository.claimAttempt(id, { now, leaseUntil: now });
    await repository.recordAttempt(id, 1, {
      delivered: false,
      error: 'timeout',
      statusCode: null,
      retryAt: null,
    });
    expect(await repository.getDelivery(id)).toMatchObject({ status: 'failed', lastError: 'timeout' });
    expect(
      await repository.claimAttempt(id, { now: new Date(now.getTime() + 86_400_000), leaseUntil: now }),
    ).toBeUndefined();
  });

  it('a deleted webhook disappears, fails its pending deliveries and gets no new ones', async () => {
    const { repository, webhook } = await newWebhooks(['CONNECTION_NEEDS_NEW_KEY']);
    const [id] = await repository.enqueue('CONNECTION_NEEDS_NEW_KEY', 'connection:1', {});
    if (!id) throw new Error('no delivery');
    expect(await repository.delete(webhook.id)).toBe(true);
    expect(await repository.delete(webhook.id)).toBe(false);
    expect(await repository.list()).toEqual([]);
    expect(await repository.get(webhook.id)).toBeUndefined();
    expect(await repository.getDelivery(id)).toMatchObject({ status: 'failed', lastError: WEBHOOK_DELETED });
    expect(await repository.enqueue('CONNECTION_NEEDS_NEW_KEY', 'connection:2', {})).toEqual([]);
  });

  it('another organization neither sees, deletes, claims nor raises events for the webhook', async () => {
    const { repository, webhook } = await newWebhooks(['RUN_SUCCEEDED']);
    const [id] = await repository.enqueue('RUN_SUCCEEDED', 'run:4', {});
    if (!id) throw new Error('no delivery');
    const stranger = await createOrganization(t.db, 'Stranger');
    const theirs = new WebhookRepository(t.db, stranger.id);
    expect(await theirs.list()).toEqual([]);
    expect(await theirs.get(webhook.id)).toBeUndefined();
    expect(await theirs.delete(webhook.id)).toBe(false);
    expect(await theirs.enqueue('RUN_SUCCEEDED', 'run:4', {})).toEqual([]);
    const now = new Date(Date.now() + 1_000);
    expect(await theirs.claimAttempt(id, { now, leaseUntil: now })).toBeUndefined();
    expect((await theirs.recentDeliveries([webhook.id])).get(webhook.id)).toEqual([]);
    expect(await repository.get(webhook.id)).toBeDefined();
  });

  it('refuses an unknown event or none at all', async () => {
    const organization = await createOrganization(t.db, 'Events');
    const repository = new WebhookRepository(t.db, organization.id);
    const base = { url: 'http://127.0.0.1/', secretEncrypted: 's' };
    await expect(
      repository.create({ ...base, id: randomUUID(), events: ['RUN_EXPLODED' as 'RUN_FAILED'] }),
    ).rejects.toThrow();
    await expect(repository.create({ ...base, id: randomUUID(), events: [] })).rejects.toThrow();
  });

  it('the start-up sweep finds the pending deliveries of every organization, and only those', async () => {
    const a = await newWebhooks(['RUN_SUCCEEDED']);
    const b = await newWebhooks(['RUN_SUCCEEDED']);
    const [pendingA] = await a.repository.enqueue('RUN_SUCCEEDED', 'run:sweep', {});
    const [pendingB] = await b.repository.enqueue('RUN_SUCCEEDED', 'run:sweep', {});
    const [done] = await b.repository.enqueue('RUN_SUCCEEDED', 'run:done', {});
    if (!pendingA || !pendingB || !done) throw new Error('no delivery');
    const now = new Date(Date.now() + 1_000);
    await b.repository.claimAttempt(done, { now, leaseUntil: now });
    await b.repository.recordAttempt(done, 1, { delivered: true, statusCode: 200 });
    const found = await findPendingWebhookDeliveries(t.db);
    expect(found).toContainEqual({ id: pendingA, organizationId: a.organization.id });
    expect(found).toContainEqual({ id: pendingB, organizationId: b.organization.id });
    expect(found.map((row) => row.id)).not.toContain(done);
  });

  it('a new delivery is due at once, even for a claim made within the same millisecond', async () => {
    const { repository } = await newWebhooks(['RUN_FAILED']);
    for (let i = 0; i < 20; i++) {
      const [id] = await repository.enqueue('RUN_FAILED', `run:now-${i}`, {});
      if (!id) throw new Error('no delivery');
      const now = new Date();
      expect(await repository.claimAttempt(id, { now, leaseUntil: now }), `claim ${i}`).toBeDefined();
    }
  });
});
