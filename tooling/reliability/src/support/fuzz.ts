import fc from 'fast-check';
import type { Harness } from './harness.ts';
import { expectReadOnceAndClassified } from './oracle.ts';

/** A source of fuzzed records: a simulator of its own per record set, the records put in it, and a tenant reading it. */
export interface FuzzedSource<T, S extends { close(): Promise<void> }> {
  start(): Promise<S>;
  /** Puts the records into the simulator; source id → the email the source holds, of every record. */
  fill(sim: S, generated: T[]): ReadonlyMap<string, string>;
  tenant(sim: S): Parameters<Harness['tenant']>[0];
}

/**
 * `numRuns` random sets of up to 40 records, each in a simulator of its own, through the real client and the engine
 * into a tenant of its own: every record is read once and classified by rules 1–4 in the run's own order
 * (`expectReadOnceAndClassified`). Resolves with the number of records generated in all.
 */
export async function fuzzSource<T, S extends { close(): Promise<void> }>(
  h: Harness,
  record: fc.Arbitrary<T>,
  source: FuzzedSource<T, S>,
  numRuns = 15,
): Promise<number> {
  let count = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(record, { maxLength: 40, size: 'medium' }), async (generated) => {
      const sim = await source.start();
      try {
        const emailOf = source.fill(sim, generated);
        count += emailOf.size;
        const tenant = await h.tenant(source.tenant(sim));
        await expectReadOnceAndClassified(h.db, await tenant.run(), tenant.listId, emailOf);
      } finally {
        await sim.close();
      }
    }),
    { numRuns },
  );
  return count;
}
