import { EmailSet } from './email-set.ts';
import { emptyTotals, type RunTotals } from './totals.ts';

/**
 * What a run carries from page to page: the normalized emails seen so far (rule 4) and the running totals.
 * Mutable, owned by one run; `snapshotRunState` gives a JSON-safe copy to store, `createRunState`
 * rebuilds one (for a resumed run, from the snapshot or from the emails of the run's stored records).
 */
export interface RunState {
  readonly seen: EmailSet;
  totals: RunTotals;
}

/** The JSON-safe form of a run state. */
export interface RunStateSnapshot {
  seen: string[];
  totals: RunTotals;
}

/**
 * A new run state. `seen` may hold every email already recorded in this run (any outcome): addresses
 * that rules 1–3 ignore never reach rule 4, so extra entries for them change nothing.
 */
export function createRunState(init: { seen?: Iterable<string>; totals?: RunTotals } = {}): RunState {
  return {
    seen: new EmailSet(init.seen),
    totals: init.totals ? structuredClone(init.totals) : emptyTotals(),
  };
}

export function snapshotRunState(state: RunState): RunStateSnapshot {
  return { seen: [...state.seen], totals: structuredClone(state.totals) };
}
