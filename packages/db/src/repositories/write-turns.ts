import { type SQL, sql } from 'drizzle-orm';

/**
 * The organization's lead-write turn: every transaction that changes an organization's leads (the engine's units,
 * deletions and undo; status changes such as bounces) takes it first. It locks the organization's row until commit,
 * so such writers take turns, and counts the turns in `organizations.lead_writes`. One row: `lead_writes`, the turns
 * taken so far, this one included. The engine looks a unit up while the one before is written and trusts that lookup
 * only when its own turn is the next one.
 */
export function takeLeadWriteTurn(organizationId: string): SQL {
  return sql`update organizations set lead_writes = lead_writes + 1 where id = ${organizationId} returning lead_writes`;
}

/** The lead-write turns taken so far, without taking one. One row: `lead_writes`. */
export function leadWriteTurns(organizationId: string): SQL {
  return sql`select lead_writes from organizations where id = ${organizationId}`;
}
