import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClassifyInput, classifyBatch, SEEN_EARLIER_IN_RUN } from './classify-batch.ts';
import type { LeadStatus } from './outcome.ts';
import { createRunState, snapshotRunState } from './run-state.ts';
import { addTotals, emptyTotals, totalsViolations } from './totals.ts';

const rec = (sourceId: string, email: unknown): ClassifyInput => ({ sourceId, email });
const leads = (entries: Record<string, LeadStatus>) => () => new Map(Object.entries(entries));
const noLeads = () => new Map<string, LeadStatus>();

async function classifyOne(email: unknown, existing: Record<string, LeadStatus> = {}) {
  const { results } = await classifyBatch([rec('1', email)], leads(existing), createRunState());
  return results[0]!;
}

describe('classifyBatch: rules 1–9', () => {
  it('rule 1: a missing or blank email is ignored as empty_email', async () => {
    for (const email of [undefined, null, '', '  \t']) {
      expect(await classifyOne(email)).toMatchObject({
        outcome: 'ignored',
        reason: 'empty_email',
        email: undefined,
      });
    }
  });

  it('rule 2: a malformed address is ignored as invalid_pattern, keeping what was given', async () => {
    expect(await classifyOne(' not-an-email ')).toMatchObject({
      outcome: 'ignored',
      reason: 'invalid_pattern',
      email: 'not-an-email',
      suggestion: undefined,
    });
    expect(await classifyOne(12345)).toMatchObject({ reason: 'invalid_pattern', email: '12345' });
    expect(await classifyOne({ a: 1 })).toMatchObject({ reason: 'invalid_pattern', email: undefined });
  });

  it('rule 2: an address with a NUL or an unpaired surrogate is invalid_pattern, shown as text a database can store', async () => {
    expect(await classifyOne('ann\u0000@example.com')).toMatchObject({
      outcome: 'ignored',
      reason: 'invalid_pattern',
      email: 'ann\ufffd@example.com',
    });
    expect(await classifyOne('bo\ud800b@example.com')).toMatchObject({
      reason: 'invalid_pattern',
      email: 'bo\ufffdb@example.com',
    });
    expect(await classifyOne('low@exa\udc00mple.com')).toMatchObject({
      reason: 'invalid_pattern',
      email: 'low@exa\ufffdmple.com',
    });
  });

  it('rule 2: a typo of a well-known domain is invalid_pattern with the suggestion, even for an existing lead', async () => {
    expect(await classifyOne('John@gnail.com', { 'john@gnail.com': 'active' })).toEqual({
      sourceId: '1',
      email: 'john@gnail.com',
      outcome: 'ignored',
      reason: 'invalid_pattern',
      suggestion: 'john@gmail.com',
    });
  });

  it('rule 3: a role address is ignored as group_email even when it is new', async () => {
    expect(await classifyOne('Support@acme.com')).toMatchObject({
      reason: 'group_email',
      email: 'support@acme.com',
    });
  });

  it('rule 3 uses the organization’s own role names', async () => {
    const state = createRunState();
    const { results } = await classifyBatch([rec('1', 'frontdesk@acme.com')], noLeads, state, {
      extraRoles: ['frontdesk'],
    });
    expect(results[0]!.reason).toBe('group_email');
  });

  it('rule 4: the same normalized email seen earlier in the run is a file_duplicate, across pages', async () => {
    const state = createRunState();
    const page1 = await classifyBatch([rec('1', 'a@acme.com'), rec('2', ' A@ACME.com')], noLeads, state);
    const page2 = await classifyBatch([rec('3', 'a@acme.com')], noLeads, state);
    expect(page1.results.map((r) => r.outcome)).toEqual(['new', 'ignored']);
    expect(page1.results[1]!.reason).toBe('file_duplicate');
    expect(page2.results[0]).toMatchObject({
      outcome: 'ignored',
      reason: 'file_duplicate',
      email: 'a@acme.com',
    });
  });

  it('rule 4 comes before the lead status: a second bounced address is a file_duplicate', async () => {
    const state = createRunState();
    const { results } = await classifyBatch(
      [rec('1', 'b@acme.com'), rec('2', 'b@acme.com')],
      leads({ 'b@acme.com': 'bounced' }),
      state,
    );
    expect(results.map((r) => r.reason)).toEqual(['bounced', 'file_duplicate']);
  });

  it('rules 5–9 follow the existing lead’s status', async () => {
    const existing: Record<string, LeadStatus> = {
      'b@acme.com': 'bounced',
      'd@acme.com': 'do_not_mail',
      'x@acme.com': 'deleted',
      'a@acme.com': 'active',
    };
    const { results } = await classifyBatch(
      ['b', 'd', 'x', 'a', 'n'].map((l, i) => rec(String(i), `${l}@acme.com`)),
      leads(existing),
      createRunState(),
    );
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ['ignored', 'bounced'],
      ['ignored', 'do_not_mail'],
      ['re_added', undefined],
      ['duplicate', undefined],
      ['new', undefined],
    ]);
  });

  it('looks leads up once per page, with the distinct candidate emails only', async () => {
    const calls: string[][] = [];
    await classifyBatch(
      [
        rec('1', 'a@acme.com'),
        rec('2', 'A@acme.com'),
        rec('3', 'info@acme.com'),
        rec('4', 'bad'),
        rec('5', 'b@acme.com'),
      ],
      async (emails) => {
        calls.push(emails);
        return new Map();
      },
      createRunState(),
    );
    expect(calls).toEqual([['a@acme.com', 'b@acme.com']]);
  });

  it('does not call the lookup for a page without candidates', async () => {
    let called = false;
    await classifyBatch(
      [rec('1', '')],
      () => {
        called = true;
        return new Map();
      },
      createRunState(),
    );
    expect(called).toBe(false);
  });

  it('leaves the run state untouched when the lookup fails, so the page can be retried', async () => {
    const state = createRunState();
    await expect(
      classifyBatch([rec('1', 'a@acme.com')], () => Promise.reject(new Error('db down')), state),
    ).rejects.toThrow('db down');
    expect(state.seen.size).toBe(0);
    expect(state.totals).toEqual(emptyTotals());
    const retry = await classifyBatch([rec('1', 'a@acme.com')], noLeads, state);
    expect(retry.results[0]!.outcome).toBe('new');
  });

  it('refuses a lookup that answers with an unknown status', async () => {
    await expect(
      classifyBatch(
        [rec('1', 'a@acme.com')],
        () => new Map([['a@acme.com', 'gone' as LeadStatus]]),
        createRunState(),
      ),
    ).rejects.toThrow(/unknown status/);
  });

  it('a resumed run restored from a snapshot still knows the emails seen before', async () => {
    const state = createRunState();
    await classifyBatch([rec('1', 'a@acme.com')], noLeads, state);
    const restored = createRunState(JSON.parse(JSON.stringify(snapshotRunState(state))));
    const { results, totals } = await classifyBatch([rec('2', 'a@acme.com')], noLeads, restored);
    expect(results[0]!.reason).toBe('file_duplicate');
    expect(totals.total).toBe(2);
    expect(totals.newLeads).toBe(1);
  });

  it('a second run over unchanged data makes no new leads: all duplicate or the same ignored reasons', async () => {
    const records = ['a@acme.com', 'b@acme.com', 'info@acme.com', '', 'x@gnail.com', 'a@acme.com'].map(
      (e, i) => rec(String(i), e),
    );
    const db = new Map<string, LeadStatus>();
    const first = await classifyBatch(records, () => db, createRunState());
    for (const r of first.results) if (r.outcome === 'new') db.set(r.email!, 'active');
    const second = await classifyBatch(records, () => db, createRunState());
    expect(second.totals.newLeads).toBe(0);
    second.results.forEach((r, i) => {
      const before = first.results[i]!;
      if (before.outcome === 'new') expect(r.outcome).toBe('duplicate');
      else expect([r.outcome, r.reason]).toEqual([before.outcome, before.reason]);
    });
  });
});

describe('classifyBatch: totals', () => {
  it('counts each outcome and keeps page and running totals', async () => {
    const state = createRunState();
    const page = await classifyBatch(
      [rec('1', 'a@acme.com'), rec('2', ''), rec('3', 'info@acme.com'), rec('4', 'a@acme.com')],
      noLeads,
      state,
    );
    expect(page.pageTotals).toEqual({
      ...emptyTotals(),
      total: 4,
      newLeads: 1,
      ignored: 3,
      ignoredBreakdown: { ...emptyTotals().ignoredBreakdown, emptyEmail: 1, groupEmail: 1, fileDuplicate: 1 },
    });
    const next = await classifyBatch([rec('5', 'b@acme.com')], noLeads, state);
    expect(next.totals).toEqual(addTotals(page.pageTotals, next.pageTotals));
    expect(state.totals).toEqual(next.totals);
  });
});

// A small universe of emails (with case and space variants) so duplicates and existing leads are common.
const localParts = ['ann', 'bob', 'info', 'Carl', 'sales+x', 'bad..dots', ''];
const domains = ['acme.com', 'gmail.com', 'gnail.com', 'ACME.com', 'example.org'];
const emailArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...localParts), fc.constantFrom(...domains), fc.constantFrom('', ' ', '\t'))
      .map(([l, d, s]) => `${s}${l}@${d}${s}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', 'nope', 42) },
);
const statusArb = fc.dictionary(
  fc
    .tuple(fc.constantFrom('ann', 'bob', 'carl'), fc.constantFrom('acme.com', 'gmail.com', 'example.org'))
    .map(([l, d]) => `${l}@${d}`),
  fc.constantFrom<LeadStatus>('active', 'deleted', 'bounced', 'do_not_mail'),
);

async function runInPages(emails: unknown[], existing: Record<string, LeadStatus>, pageSize: number) {
  const state = createRunState();
  const outcomes: unknown[] = [];
  for (let i = 0; i < emails.length; i += pageSize) {
    const page = emails.slice(i, i + pageSize).map((e, k) => rec(String(i + k), e));
    const { results } = await classifyBatch(page, leads(existing), state);
    outcomes.push(...results);
  }
  return { outcomes, totals: state.totals };
}

/**
 * As runInPages, but each page starts with an empty `state.seen` and the lookup answers SEEN_EARLIER_IN_RUN for the
 * emails of earlier pages' results (as the engine does from its stored run records).
 */
async function runInPagesRememberedOutside(
  emails: unknown[],
  existing: Record<string, LeadStatus>,
  pageSize: number,
) {
  let state = createRunState();
  const recorded = new Set<string>();
  const outcomes: { email?: string | undefined }[] = [];
  for (let i = 0; i < emails.length; i += pageSize) {
    state = createRunState({ totals: state.totals });
    const page = emails.slice(i, i + pageSize).map((e, k) => rec(String(i + k), e));
    const lookup = (candidates: string[]) => {
      const answer = new Map<string, LeadStatus | typeof SEEN_EARLIER_IN_RUN>();
      for (const email of candidates) {
        const status = recorded.has(email) ? SEEN_EARLIER_IN_RUN : existing[email];
        if (status) answer.set(email, status);
      }
      return answer;
    };
    const { results } = await classifyBatch(page, lookup, state);
    outcomes.push(...results);
    for (const result of results) if (result.email !== undefined) recorded.add(result.email);
  }
  return { outcomes, totals: state.totals };
}

/** Checks `property` on 300 runs: up to 60 emails, some of them existing leads, read in pages of 1 to 25. */
function forEveryRun(
  property: (emails: unknown[], existing: Record<string, LeadStatus>, pageSize: number) => Promise<void>,
) {
  return fc.assert(
    fc.asyncProperty(
      fc.array(emailArb, { maxLength: 60 }),
      statusArb,
      fc.integer({ min: 1, max: 25 }),
      property,
    ),
    { numRuns: 300 },
  );
}

describe('classifyBatch: properties', () => {
  it('a run whose lookup remembers the earlier pages classifies exactly as one that keeps them in memory', async () => {
    await forEveryRun(async (emails, existing, size) => {
      const inMemory = await runInPages(emails, existing, size);
      const outside = await runInPagesRememberedOutside(emails, existing, size);
      expect(outside.outcomes).toEqual(inMemory.outcomes);
      expect(outside.totals).toEqual(inMemory.totals);
    });
  });

  it('totals add up: total = new + re_added + duplicate + ignored, ignored = its breakdown', async () => {
    await forEveryRun(async (emails, existing, size) => {
      const { totals } = await runInPages(emails, existing, size);
      expect(totalsViolations(totals)).toEqual([]);
      expect(totals.total).toBe(emails.length);
    });
  });

  it('classification of a run does not depend on the page size', async () => {
    await forEveryRun(async (emails, existing, size) => {
      const whole = await runInPages(emails, existing, Math.max(1, emails.length));
      const paged = await runInPages(emails, existing, size);
      expect(paged.outcomes).toEqual(whole.outcomes);
      expect(paged.totals).toEqual(whole.totals);
    });
  });
});
