import { and, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { isUuid } from '../repositories/ids.ts';
import { type Connection, connections } from '../schema/connections.ts';
import { syncs } from '../schema/syncs.ts';
import type { OutboxWrite } from './lifecycle.ts';

/** What a run finds out about its connection's key: it needs a new one, or lacks (or has again) a permission. */

/**
 * The connection needs a new key (`needs_new_key`, with a reason for a person) and every active sync of it becomes
 * `inactive` with `syncReason`, in one transaction with the connection's event (only when its status changed).
 * Undefined `changed`: it needed a new key already, or is not the organization's.
 */
export async function markConnectionNeedsNewKey(
  db: Database,
  organizationId: string,
  connectionId: string,
  change: { statusReason: string; syncReason: 'credentials_changed' | 'primary_email_changed' },
  outbox: OutboxWrite<Connection>,
): Promise<{ changed: Connection | undefined; deliveryIds: string[] }> {
  if (!isUuid(connectionId)) return { changed: undefined, deliveryIds: [] };
  return db.transaction(async (tx) => {
    const [connection] = await tx
      .update(connections)
      .set({ status: 'needs_new_key', statusReason: change.statusReason, updatedAt: sql`now()` })
      .where(
        and(
          eq(connections.organizationId, organizationId),
          eq(connections.id, connectionId),
          ne(connections.status, 'needs_new_key'),
        ),
      )
      .returning();
    await tx
      .update(syncs)
      .set({ status: 'inactive', inactiveReason: change.syncReason, nextRunAt: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(syncs.organizationId, organizationId),
          eq(syncs.connectionId, connectionId),
          eq(syncs.status, 'active'),
        ),
      );
    return { changed: connection, deliveryIds: connection ? await outbox(tx, connection) : [] };
  });
}

/** `needs_permission` when the key lacks a permission (`ok` false), `active` again once a run succeeds (`ok`). */
export async function setConnectionPermission(
  db: Database,
  organizationId: string,
  connectionId: string,
  ok: boolean,
): Promise<void> {
  if (!isUuid(connectionId)) return;
  const [from, to] = ok
    ? (['needs_permission', 'active'] as const)
    : (['active', 'needs_permission'] as const);
  await db
    .update(connections)
    .set({ status: to, updatedAt: sql`now()` })
    .where(
      and(
        eq(connections.organizationId, organizationId),
        eq(connections.id, connectionId),
        eq(connections.status, from),
      ),
    );
}
