import type { SourceUnit, SourceUnits } from './source-units.ts';
import type { RunScope } from './types.ts';
import {
  beginUnitWrite,
  NOTHING_CARRIED,
  type PlannedUnit,
  planUnit,
  sendOnPool,
  type UnitWriteInFlight,
} from './unit-writer.ts';

/** The caller lost the run (its heartbeat threw): the engine stops at once and rethrows `original`. */
export class LostRun extends Error {
  constructor(readonly original: unknown) {
    super('heartbeat failed');
  }
}

export interface WriteUnitsOptions {
  signal?: AbortSignal;
  heartbeat?: () => Promise<void>;
}

/** The next unit, read and planned. */
interface Upcoming {
  unit: SourceUnit;
  planned: PlannedUnit;
}

/** A unit whose write has been sent, and the next unit, planned once this one holds its turn. */
interface UnitInFlight {
  unit: SourceUnit;
  write: UnitWriteInFlight;
  next: Promise<Upcoming | undefined>;
}

/**
 * Writes the source's units one after another, two in flight: the next unit is read, looked up and planned as soon
 * as the current one holds the organization's write turn, and sent before the current one commits (its transaction
 * waits in the database for that commit and goes on at once). A unit commits only after the unit ahead has committed
 * and had its heartbeat, so a graceful stop or a lost run still ends right after a committed unit (the next one is
 * rolled back). Resolves to true when a graceful stop ended the read, false when the source is done.
 */
export async function writeUnits(
  scope: RunScope,
  units: SourceUnits,
  options: WriteUnitsOptions,
): Promise<boolean> {
  const send = sendOnPool(scope);

  /**
   * Sends a unit's write; from the moment it holds the organization's write turn, the next unit is read, looked up
   * and planned beside it (so that the lookup misses only this unit's own writes, which it carries).
   */
  function startWrite(unit: SourceUnit, planned: PlannedUnit): UnitInFlight {
    let planNext!: (next: Promise<Upcoming | undefined>) => void;
    const next = new Promise<Upcoming | undefined>((resolve) => {
      planNext = resolve;
    });
    next.catch(() => {}); // awaited once the unit has committed; unwanted when the run stops before
    const write = beginUnitWrite(scope, planned, (turn, written) => {
      planNext(
        unit.failure
          ? Promise.resolve(undefined)
          : (async () => {
              const following = await units.next();
              return (
                following && {
                  unit: following,
                  planned: await planUnit(scope, following.page, written.carry, turn, send),
                }
              );
            })(),
      );
    });
    return { unit, write, next };
  }

  try {
    const first = await units.next();
    if (!first) return false;
    let current = startWrite(first, await planUnit(scope, first.page, NOTHING_CARRIED, undefined, send));
    for (;;) {
      let abandoned = false;
      let sent: UnitInFlight | undefined;
      const following = current.next.then((next) => {
        if (next && !abandoned) sent = startWrite(next.unit, next.planned);
        return sent;
      });
      following.catch(() => {}); // awaited below, unless the run ends first
      /** The run ends after this unit: the next one, if it was sent, is rolled back (and never sent otherwise). */
      const abandon = async () => {
        abandoned = true;
        await sent?.write.finish(false);
      };
      try {
        await current.write.finish(true);
        if (current.unit.failure) throw current.unit.failure.error;
        if (options.heartbeat) {
          try {
            await options.heartbeat();
          } catch (error) {
            throw new LostRun(error);
          }
        }
      } catch (error) {
        await abandon();
        throw error;
      }
      if (options.signal?.aborted) {
        await abandon();
        return true;
      }
      const next = await following;
      if (!next) return false;
      current = next;
    }
  } finally {
    units.stop();
  }
}
