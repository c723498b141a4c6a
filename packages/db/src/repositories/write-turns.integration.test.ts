import { describe, expect, it } from 'vitest';
import { seedOrganization, useTestDatabase } from '../test-support.ts';
import {
  isLeadWriteTurnMoved,
  leadWriteTurns,
  takeLeadWriteTurn,
  takePlannedLeadWriteTurn,
} from './write-turns.ts';

const t = useTestDatabase();

async function turns(organizationId: string): Promise<number> {
  const [row] = await t.db.execute<{ lead_writes: string }>(leadWriteTurns(organizationId));
  return Number(row?.lead_writes);
}

describe('lead-write turns', () => {
  it('takes a planned turn only when it is the expected one, and aborts the transaction otherwise', async () => {
    const { organization } = await seedOrganization(t.db);
    const before = await turns(organization.id);

    const [taken] = await t.db.execute<{ lead_writes: string }>(
      takePlannedLeadWriteTurn(organization.id, before + 1),
    );
    expect(Number(taken?.lead_writes)).toBe(before + 1);

    // Planned against `before`, but a turn was taken since: refused, and nothing of the transaction stays.
    const refused = await t.db
      .transaction(async (tx) => {
        await tx.execute(takePlannedLeadWriteTurn(organization.id, before + 1));
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isLeadWriteTurnMoved(refused)).toBe(true);
    expect(await turns(organization.id)).toBe(before + 1);

    await t.db.execute(takeLeadWriteTurn(organization.id));
    expect(await turns(organization.id)).toBe(before + 2);
  });

  it('refuses a planned turn of an organization that does not exist', async () => {
    const missing = await t.db
      .execute(takePlannedLeadWriteTurn('00000000-0000-4000-8000-000000000000', 1))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isLeadWriteTurnMoved(missing)).toBe(true);
  });
});
