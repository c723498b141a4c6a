import { emptyTotals } from '@leadsync/core';

// Answers of the fake API that several page tests give: one home for their shape.

const { ignoredBreakdown, ...totals } = emptyTotals();
/** A run's `totals` with every count 0 (GraphQL's `RunTotals`). */
export const zeroTotals = totals;
/** A run's `ignoredBreakdown` with every count 0. */
export const noneIgnored = ignoredBreakdown;

export const csvConnector = {
  id: 'csv',
  displayName: 'CSV file',
  maxLookbackDays: null,
  detectsDeletes: true,
};
export const zohoInvoiceConnector = {
  id: 'zoho-invoice',
  displayName: 'Zoho Invoice',
  maxLookbackDays: 30,
  detectsDeletes: false,
};

/**
 * The `sync` of the Sync query (the sync page): an active daily sync of a CSV connection into "Newsletter", its runs
 * newest first (the first is its last run); `overrides` replace any field.
 */
export function syncDetail(runs: { id: string }[], overrides: Record<string, unknown> = {}) {
  return {
    id: 's1',
    name: 'Customers',
    status: 'ACTIVE',
    inactiveReason: null,
    importMode: 'ALL',
    sourceOrganizationId: 'file',
    nextRunAt: null,
    criteria: null,
    retrieveFrom: null,
    connection: { id: 'c1', name: 'File', connector: 'csv', status: 'ACTIVE' },
    mailingList: { id: 'l1', name: 'Newsletter' },
    fieldMapping: [{ source: 'email', target: 'email' }],
    schedule: { frequency: 'DAILY', time: '09:30', timeZone: 'UTC', weekday: null, dayOfMonth: null },
    lastRun: runs[0] ?? null,
    runs: {
      totalCount: runs.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: runs.map((node) => ({ cursor: node.id, node })),
    },
    ...overrides,
  };
}

/** The RunRecords answer of a run with no records (the report's table, empty). */
export function noRecords(variables: Record<string, unknown>) {
  return {
    data: {
      syncRun: {
        id: variables.id,
        records: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
      },
    },
  };
}
