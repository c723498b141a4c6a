import { screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fakeClient } from '../test/fakeApi.ts';
import { renderWithApi } from '../test/render.tsx';
import { type RecordFilter, RunRecords } from './RunRecords.tsx';

const all = [
  { sourceId: 'row:2', email: 'asha@acme.in', outcome: 'NEW', reason: null, suggestion: null },
  { sourceId: 'row:3', email: 'info@acme.in', outcome: 'IGNORED', reason: 'GROUP_EMAIL', suggestion: null },
  {
    sourceId: 'row:4',
    email: 'john@gnail.com',
    outcome: 'IGNORED',
    reason: 'INVALID_PATTERN',
    suggestion: 'john@gmail.com',
  },
];

function Harness() {
  const [filter, setFilter] = useState<RecordFilter>({ outcome: null, reason: null });
  return <RunRecords runId="run1" filter={filter} onFilterChange={setFilter} />;
}

describe('run records', () => {
  it('asks the API for the chosen outcome and reason and shows the typo suggestion', async () => {
    const { client, calls } = fakeClient({
      runRecords: (v) => {
        const nodes = all.filter(
          (r) => (!v.outcome || r.outcome === v.outcome) && (!v.reason || r.reason === v.reason),
        );
        return {
          data: {
            syncRun: {
              id: 'run1',
              records: {
                totalCount: nodes.length,
                pageInfo: { hasNextPage: false, endCursor: null },
                edges: nodes.map((node) => ({ cursor: node.sourceId, node })),
              },
            },
          },
        };
      },
    });
    const user = renderWithApi(<Harness />, client);
    expect((await screen.findByTestId('records-count')).textContent).toBe('3 records');
    await user.selectOptions(screen.getByTestId('records-reason'), 'INVALID_PATTERN');
    await screen.findByText('1 record');
    const rows = screen.getAllByTestId('record-row');
    expect(rows).toHaveLength(1);
    const row = rows[0] as HTMLElement;
    expect(within(row).getByTestId('record-reason').textContent).toBe('Invalid email');
    expect(within(row).getByTestId('record-suggestion').textContent).toBe('john@gmail.com');
    expect(calls.at(-1)?.variables).toMatchObject({
      id: 'run1',
      outcome: 'IGNORED',
      reason: 'INVALID_PATTERN',
    });
    expect((screen.getByTestId('records-outcome') as HTMLSelectElement).value).toBe('IGNORED');
  });
});
