import { render, screen, waitFor } from '@testing-library/react';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { CapabilitiesContext, minimalCapabilities } from '../api/capabilities.ts';
import { fakeClient } from '../test/fakeApi.ts';
import { csvConnector, noneIgnored, noRecords, syncDetail, zeroTotals } from '../test/fixtures.ts';
import { SyncDetailsPage } from './SyncDetails.tsx';

// Issue 24: a run keeps up to 100 reasons for the rows it skipped. The history lists runs by their count; the
// reasons are asked for the run whose report is open, and for no other.

const run = (id: string, day: number, rejectedCount: number) => ({
  id,
  status: 'SUCCEEDED',
  startedAt: `2026-11-${day}T10:00:00.000Z`,
  finishedAt: `2026-11-${day}T10:00:05.000Z`,
  error: null,
  totals: { ...zeroTotals, total: 10, newLeads: 8 },
  ignoredBreakdown: noneIgnored,
  rejectedCount,
});
const runs = [run('run3', 27, 2), run('run2', 26, 150), run('run1', 25, 0)];
const reasons: Record<string, string[]> = {
  run3: [
    'The row on line 100001 is not valid CSV: a quoted value is followed by other characters.',
    'The row on line 110001 is not valid CSV: a quote is never closed.',
  ],
  run2: ['The row on line 7 has 5 values but the header has 4 columns.'],
};

describe("the sync page's skipped rows (issue 24)", () => {
  it('asks the reasons of the open run only, in one request, and lists them by line', async () => {
    const { client, calls } = fakeClient({
      sync: () => ({ data: { sync: syncDetail(runs), connectors: [csvConnector] } }),
      runRejections: ({ id }) => ({
        data: {
          syncRun: {
            id,
            rejectedCount: runs.find((r) => r.id === id)?.rejectedCount,
            rejections: reasons[id as string],
          },
        },
      }),
      runRecords: noRecords,
    });
    const view = (runId: string | null) => (
      <Provider value={client}>
        <CapabilitiesContext.Provider value={{ ...minimalCapabilities, runRejections: true }}>
          <SyncDetailsPage id="s1" runId={runId} />
        </CapabilitiesContext.Provider>
      </Provider>
    );
    const { rerender } = render(view(null));
    await waitFor(() =>
      expect(
        [...screen.getByTestId('run-rejections').querySelectorAll('li')].map((li) => li.textContent),
      ).toEqual([
        'line 100,001: a quoted value is followed by other characters.',
        'line 110,001: a quote is never closed.',
      ]),
    );
    expect(screen.getByTestId('run-rejections').querySelector('p')?.textContent).toBe(
      '2 rows of the file could not be read and were skipped (the rest was imported):',
    );
    const asked = () => calls.filter((c) => c.operationName === 'RunRejections').map((c) => c.variables.id);
    expect(asked()).toEqual(['run3']);

    // Another run of the history opened: its reasons, once.
    rerender(view('run2'));
    await waitFor(() =>
      expect(screen.getByTestId('run-rejections').querySelector('p')?.textContent).toBe(
        '150 rows of the file could not be read and were skipped (the rest was imported); the first 1:',
      ),
    );
    expect(asked()).toEqual(['run3', 'run2']);
  });
});
