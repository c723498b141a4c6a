import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SyncRunSummary } from '../api/types.ts';
import { describeRejection, RunRejections } from './RunReport.tsx';
import {
  IgnoredBreakdownView,
  RunHistoryTable,
  RunProgressView,
  RunsChart,
  RunTotalsSummary,
} from './report.tsx';

function run(id: string, patch: Partial<SyncRunSummary> = {}): SyncRunSummary {
  return {
    id,
    status: 'SUCCEEDED',
    startedAt: '2026-11-20T09:30:00.000Z',
    finishedAt: '2026-11-20T09:30:02.500Z',
    error: null,
    totals: { total: 12, newLeads: 5, reAdded: 1, duplicate: 2, ignored: 4, deleted: 3 },
    ignoredBreakdown: {
      bounced: 0,
      doNotMail: 1,
      groupEmail: 1,
      fileDuplicate: 1,
      emptyEmail: 0,
      invalidPattern: 1,
    },
    ...patch,
  };
}

describe('the run report', () => {
  it('shows exactly the totals it is given', () => {
    render(
      <RunTotalsSummary
        totals={{ total: 1234, newLeads: 700, reAdded: 34, duplicate: 300, ignored: 200, deleted: 9 }}
      />,
    );
    expect(within(screen.getByTestId('total-total')).getByText('1,234')).toBeTruthy();
    expect(within(screen.getByTestId('total-newLeads')).getByText('700')).toBeTruthy();
    expect(within(screen.getByTestId('total-reAdded')).getByText('34')).toBeTruthy();
    expect(within(screen.getByTestId('total-duplicate')).getByText('300')).toBeTruthy();
    expect(within(screen.getByTestId('total-ignored')).getByText('200')).toBeTruthy();
    expect(within(screen.getByTestId('total-deleted')).getByText('9')).toBeTruthy();
  });

  it('puts each run of the history on its own row with its own numbers', () => {
    const runs = [
      run('r2', { totals: { total: 3, newLeads: 0, reAdded: 0, duplicate: 3, ignored: 0, deleted: 0 } }),
      run('r1'),
    ];
    render(
      <RunHistoryTable runs={runs} selectedRunId="r1" runHref={(id) => `#/runs/${id}`} timeZone="UTC" />,
    );
    expect(screen.getByTestId('run-r2-total').textContent).toBe('3');
    expect(screen.getByTestId('run-r2-duplicate').textContent).toBe('3');
    expect(screen.getByTestId('run-r2-newLeads').textContent).toBe('0');
    expect(screen.getByTestId('run-r1-total').textContent).toBe('12');
    expect(screen.getByTestId('run-r1-newLeads').textContent).toBe('5');
    expect(screen.getByTestId('run-r1-reAdded').textContent).toBe('1');
    expect(screen.getByTestId('run-r1-ignored').textContent).toBe('4');
    expect(screen.getByTestId('run-r1-deleted').textContent).toBe('3');
    expect(screen.getByTestId('run-row-r1').getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('run-row-r2').getAttribute('aria-current')).toBeNull();
  });

  it('explains every ignored reason with its count, and offers the records of the non-empty ones', async () => {
    const onShow = vi.fn();
    render(
      <IgnoredBreakdownView
        breakdown={{
          bounced: 2,
          doNotMail: 0,
          groupEmail: 3,
          fileDuplicate: 1,
          emptyEmail: 4,
          invalidPattern: 5,
        }}
        onShow={onShow}
      />,
    );
    expect(screen.getByTestId('ignored-BOUNCED-count').textContent).toBe('2');
    expect(screen.getByTestId('ignored-GROUP_EMAIL-count').textContent).toBe('3');
    expect(screen.getByTestId('ignored-INVALID_PATTERN-count').textContent).toBe('5');
    expect(screen.getByTestId('ignored-total').textContent).toBe('15');
    expect(within(screen.getByTestId('ignored-GROUP_EMAIL')).getByText(/role or group address/)).toBeTruthy();
    expect(within(screen.getByTestId('ignored-INVALID_PATTERN')).getByText(/typo/)).toBeTruthy();
    expect(screen.queryByTestId('show-ignored-DO_NOT_MAIL')).toBeNull();
    await userEvent.click(screen.getByTestId('show-ignored-INVALID_PATTERN'));
    expect(onShow).toHaveBeenCalledWith('INVALID_PATTERN');
  });

  it('draws one bar per real run and leaves previews out of the chart', () => {
    const { container } = render(
      <RunsChart runs={[run('a'), run('b', { dryRun: true }), run('c')]} timeZone="UTC" />,
    );
    expect(container.querySelectorAll('svg g')).toHaveLength(2);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('2 runs');
  });

  it('shows how far a running run has got when the API reports progress', () => {
    render(
      <RunProgressView run={run('p', { status: 'RUNNING', progress: { read: 400, processed: 100 } })} />,
    );
    const bar = screen.getByLabelText('Run progress') as HTMLProgressElement;
    expect(bar.value).toBeCloseTo(0.25);
    expect(screen.getByTestId('run-progress').textContent).toContain(
      '100 of the 400 records read so far are processed',
    );
  });
});

describe("the run report's skipped rows (issue 24)", () => {
  it('says how many rows of the file were skipped, each by its line', () => {
    render(
      <RunRejections
        run={run('r1', {
          rejectedCount: 3,
          rejections: [
            'The row on line 1204 has 4 values but the header has 3 columns.',
            'The row on line 734512 is not valid CSV: a quote is never closed.',
            'The row on line 734513 is not valid CSV: a quote is never closed.',
          ],
        })}
      />,
    );
    const banner = screen.getByTestId('run-rejections');
    expect(banner.querySelector('p')?.textContent).toBe(
      '3 rows of the file could not be read and were skipped (the rest was imported):',
    );
    expect([...banner.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'line 1,204: has 4 values but the header has 3 columns.',
      'line 734,512: a quote is never closed.',
      'line 734,513: a quote is never closed.',
    ]);
  });

  it('says when only the first reasons are listed, and shows a reason it cannot read as it came', () => {
    render(
      <RunRejections
        run={run('r1', {
          rejectedCount: 250,
          rejections: ['The record has no id.', 'The record has no id.'],
        })}
      />,
    );
    expect(screen.getByTestId('run-rejections').querySelector('p')?.textContent).toBe(
      '250 records could not be read and were skipped (the rest was imported); the first 2:',
    );
    expect(describeRejection('The record has no id.')).toBe('The record has no id.');
  });

  it('shows nothing for a run that skipped nothing, or an API without the fields', () => {
    const { container } = render(
      <>
        <RunRejections run={run('r1', { rejectedCount: 0, rejections: [] })} />
        <RunRejections run={run('r1')} />
      </>,
    );
    expect(container.textContent).toBe('');
  });
});
