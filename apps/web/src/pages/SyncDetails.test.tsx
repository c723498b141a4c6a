import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeClient } from '../test/fakeApi.ts';
import {
  csvConnector,
  noneIgnored,
  noRecords,
  syncDetail,
  zeroTotals,
  zohoInvoiceConnector,
} from '../test/fixtures.ts';
import { renderWithApi } from '../test/render.tsx';
import { SyncDetailsPage } from './SyncDetails.tsx';

function runAt(poll: number) {
  const done = poll >= 3;
  return {
    id: 'run1',
    status: done ? 'SUCCEEDED' : 'RUNNING',
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: done ? '2026-11-25T10:00:05.000Z' : null,
    error: null,
    totals: done
      ? { total: 600, newLeads: 550, reAdded: 0, duplicate: 0, ignored: 50, deleted: 0 }
      : { ...zeroTotals, total: poll * 200, newLeads: poll * 200 },
    ignoredBreakdown: done ? { ...noneIgnored, groupEmail: 50 } : noneIgnored,
    progress: { read: 600, processed: poll * 200 },
  };
}

describe('the sync page', () => {
  it('follows a run in progress until it ends, without a reload', async () => {
    let polls = 0;
    const { client } = fakeClient({
      sync: () => {
        polls += 1;
        const run = runAt(polls);
        return {
          data: {
            sync: syncDetail([run], {
              sourceOrganizationId: 'o1',
              nextRunAt: '2026-11-26T04:00:00.000Z',
              connection: { id: 'c1', name: 'Zoho', connector: 'zoho-invoice', status: 'ACTIVE' },
              schedule: {
                frequency: 'DAILY',
                time: '09:30',
                timeZone: 'Asia/Kolkata',
                weekday: null,
                dayOfMonth: null,
              },
            }),
            connectors: [zohoInvoiceConnector],
          },
        };
      },
      runRecords: noRecords,
    });
    renderWithApi(<SyncDetailsPage id="s1" runId={null} />, client, { runProgress: true });
    expect((await screen.findByTestId('sync-schedule')).textContent).toBe('Daily at 09:30, Asia/Kolkata');
    expect((await screen.findByTestId('run-progress')).textContent).toMatch(/200 of the 600/);
    expect((screen.getByTestId('run-now') as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('run-progress')).toBeNull(), { timeout: 8000 });
    const report = screen.getByTestId('run-report');
    expect(within(report).getByTestId('run-status').textContent).toBe('Succeeded');
    expect(within(report).getByTestId('total-newLeads').textContent).toContain('550');
    expect(within(report).getByTestId('ignored-GROUP_EMAIL-count').textContent).toBe('50');
    expect(polls).toBeGreaterThanOrEqual(3);
    expect((screen.getByTestId('run-now') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a run whose deletions the guard held, confirms them, and undoes the latest run by its id', async () => {
    let confirmed = false;
    const run = {
      id: 'run9',
      status: 'SUCCEEDED',
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: '2026-11-25T10:00:05.000Z',
      error: null,
      totals: { ...zeroTotals, total: 4, duplicate: 4 },
      ignoredBreakdown: noneIgnored,
      dryRun: false,
      undoneAt: null,
      heldDeletions: 6,
      warning: 'The source no longer lists 6 of the 10 records this sync imported (more than the 50% …)',
      undoReport: null,
    };
    const { client, calls } = fakeClient({
      sync: () => ({
        data: {
          sync: syncDetail([run], { deletionGuardPercent: 50, deletionsConfirmed: confirmed }),
          connectors: [csvConnector],
        },
      }),
      runRecords: noRecords,
      confirmSyncDeletions: () => {
        confirmed = true;
        return { data: { confirmSyncDeletions: { id: 's1', deletionsConfirmed: true } } };
      },
      undoSyncRun: () => ({
        data: {
          undoSyncRun: {
            ...run,
            undoneAt: '2026-11-25T11:00:00.000Z',
            undoReport: { reversed: 3, kept: 1, keptByReason: [{ reason: 'SUPPRESSED', count: 1 }] },
          },
        },
      }),
    });
    renderWithApi(<SyncDetailsPage id="s1" runId={null} />, client, {
      dryRun: true,
      undo: true,
      deletionGuard: true,
      undoReport: true,
    });
    expect((await screen.findByTestId('run-warning')).textContent).toMatch(/6 of the 10 records/);
    fireEvent.click(within(screen.getByTestId('held-deletions')).getByTestId('confirm-deletions'));
    await screen.findByTestId('deletions-confirmed');
    expect(calls.find((c) => c.operationName === 'ConfirmSyncDeletions')?.variables).toEqual({ id: 's1' });
    expect(screen.queryByTestId('held-deletions')).toBeNull();

    fireEvent.click(screen.getByTestId('undo-run'));
    expect((await screen.findByTestId('action-notice')).textContent).toMatch(
      /reversed 3 leads and kept 1 as they are now: 1 bounced or do-not-mail since/,
    );
    expect(calls.find((c) => c.operationName === 'UndoSyncRun')?.variables).toEqual({ id: 'run9' });
  });
});
