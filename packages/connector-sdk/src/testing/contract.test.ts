// Over 300 lines: one test per rule of the contract suite, each against a connector broken for that rule.
import { describe, expect, it } from 'vitest';
import type { RecordPage, SourceConnector, SourceRecord } from '../connector.ts';
import { InvalidCredentialsError } from '../errors.ts';
import {
  type ContractSuiteOptions,
  ContractViolation,
  checkConnectorContract,
  resumePoints,
} from './contract.ts';
import { describeConnectorContract } from './describe.ts';
import { createMemoryConnector, type MemoryCredentials, testContext } from './memory-connector.ts';

type Memory = SourceConnector<MemoryCredentials, Record<string, never>>;

const RECORD_COUNT = 23;
const PAGE_SIZE = 5;

function makeRecords(count: number): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceId: `c${i}`,
    fields: { email: `person${i}@example.com`, firstName: `Person ${i}` },
  }));
}

const good = (): Memory => createMemoryConnector({ records: { 'org-1': makeRecords(RECORD_COUNT) } });

/** The suite's options for a connector over the reference data: a good key, a wrong one, pages of PAGE_SIZE. */
function options(connector: Memory): ContractSuiteOptions<MemoryCredentials, Record<string, never>> {
  return {
    connector,
    makeContext: () => ({
      ctx: testContext({ key: 'good-key' }, {}),
      organizationId: 'org-1',
      expectedRecordCount: RECORD_COUNT,
    }),
    pageSize: PAGE_SIZE,
    badContexts: [
      {
        name: 'a wrong key',
        make: () => ({ ctx: testContext({ key: 'wrong-key-1234' }, {}), organizationId: 'org-1' }),
      },
    ],
  };
}

function suite(
  connector: Memory,
  overrides: Partial<ContractSuiteOptions<MemoryCredentials, Record<string, never>>> = {},
) {
  return checkConnectorContract({ ...options(connector), ...overrides });
}

/** The good connector with one method replaced. */
function broken(patch: (base: Memory) => Partial<Memory>): Memory {
  const base = good();
  return { ...base, ...patch(base) };
}

/** A read that pages by offset like the good one, with a hook to get things wrong. */
function pagedRead(
  page: (records: SourceRecord[], offset: number, end: number) => RecordPage,
  start: (checkpoint: Record<string, unknown> | undefined) => number = (cp) => Number(cp?.offset ?? 0),
): Memory['read'] {
  const records = makeRecords(RECORD_COUNT);
  return async function* (ctx, request) {
    if (ctx.credentials.key !== 'good-key')
      throw new InvalidCredentialsError('refused', 'The key was refused.');
    const size = request.pageSize ?? 100;
    for (let offset = start(request.checkpoint); offset < records.length; offset += size) {
      yield page(records, offset, Math.min(offset + size, records.length));
    }
  };
}

describe('checkConnectorContract', () => {
  it('passes a correct connector and resumes from every page of a small read', async () => {
    const report = await suite(good());
    expect(report).toEqual({ pages: 5, records: RECORD_COUNT, resumedFrom: [0, 1, 2, 3, 4] });
  });

  it('fails a connector whose checkpoint points one record back (a duplicate after resuming)', async () => {
    const connector = broken(() => ({
      read: pagedRead((records, offset, end) => ({
        records: records.slice(offset, end),
        checkpoint: { offset: end - 1 },
      })),
    }));
    await expect(suite(connector)).rejects.toThrow(/already read before the checkpoint/);
  });

  it('fails a connector that skips a record when resuming', async () => {
    const connector = broken(() => ({
      read: pagedRead(
        (records, offset, end) => ({ records: records.slice(offset, end), checkpoint: { offset: end } }),
        (cp) => (cp ? Number(cp.offset) + 1 : 0),
      ),
    }));
    await expect(suite(connector)).rejects.toThrow(/record\(s\) lost/);
  });

  it('fails a connector whose resumed records differ from the full read', async () => {
    const resumeDiffers = broken(() => ({
      read: async function* (ctx, request) {
        for await (const page of pagedRead((records, offset, end) => ({
          records: records.slice(offset, end),
          checkpoint: { offset: end },
        }))(ctx, request)) {
          yield request.checkpoint
            ? {
                ...page,
                records: page.records.map((r) => ({ ...r, fields: { ...r.fields, firstName: 'X' } })),
              }
            : page;
        }
      },
    }));
    await expect(suite(resumeDiffers)).rejects.toThrow(/differs from the full read/);
  });

  it('fails a checkpoint that does not survive JSON (a Date)', async () => {
    const connector = broken(() => ({
      read: pagedRead((records, offset, end) => ({
        records: records.slice(offset, end),
        checkpoint: { offset: end, at: new Date(0) },
      })),
    }));
    await expect(suite(connector)).rejects.toThrow(/checkpoints are JSON.*JSON round trip/);
  });

  it('fails a record whose values do not survive JSON (a Date)', async () => {
    const connector = broken(() => ({
      read: pagedRead((records, offset, end) => ({
        records: records
          .slice(offset, end)
          .map((r) => ({ ...r, fields: { ...r.fields, seen: new Date(0) } })),
        checkpoint: { offset: end },
      })),
    }));
    await expect(suite(connector, { requireDescribedRecordFields: false })).rejects.toThrow(
      /records are JSON: page 1, record 1 \("c0"\)/,
    );
  });

  it('fails a connector that mutates a checkpoint it already yielded', async () => {
    const connector = broken(() => {
      const shared = { offset: 0 };
      return {
        read: pagedRead((records, offset, end) => {
          shared.offset = end;
          return { records: records.slice(offset, end), checkpoint: shared };
        }),
      };
    });
    await expect(suite(connector)).rejects.toThrow(/changed after it was yielded/);
  });

  it('fails a read that repeats a record on the next page', async () => {
    const connector = broken(() => ({
      read: pagedRead((records, offset, end) => ({
        records: records.slice(Math.max(0, offset - 1), end),
        checkpoint: { offset: end },
      })),
    }));
    await expect(suite(connector)).rejects.toThrow(
      /source ids are unique in a read.*"c4" is on page 1 and again on page 2/,
    );
  });

  it('fails a record that does not parse (empty source id)', async () => {
    const connector = broken(() => ({
      read: pagedRead((records, offset, end) => ({
        records: records.slice(offset, end).map((r) => (r.sourceId === 'c7' ? { ...r, sourceId: '' } : r)),
        checkpoint: { offset: end },
      })),
    }));
    await expect(suite(connector)).rejects.toThrow(/records parse with sourceRecordSchema.*page 2, record 3/);
  });

  it('fails when a full read yields fewer records than the fixture holds', async () => {
    await expect(
      suite(good(), {
        makeContext: () => ({
          ctx: testContext({ key: 'good-key' }, {}),
          organizationId: 'org-1',
          expectedRecordCount: 24,
        }),
      }),
    ).rejects.toThrow(/expected 24 records, got 23/);
  });

  it('refuses a fixture that fits on one page, since resumption would go untested', async () => {
    await expect(suite(good(), { pageSize: 100 })).rejects.toThrow(/the fixture exercises paging/);
  });

  it('fails listIds that misses an id, or repeats one', async () => {
    const missing = broken((base) => ({
      async *listIds(ctx, request) {
        for await (const ids of base.listIds!(ctx, request)) yield ids.filter((id) => id !== 'c13');
      },
    }));
    await expect(suite(missing)).rejects.toThrow(/listIds yields the ids of a full read: 1 missing \(c13\)/);
    const repeated = broken((base) => ({
      async *listIds(ctx, request) {
        for await (const ids of base.listIds!(ctx, request)) yield [...ids, 'c0'];
      },
    }));
    await expect(suite(repeated)).rejects.toThrow(/"c0" is listed twice/);
  });

  it('passes a deletions feed that reports the deleted records', async () => {
    const feed = createMemoryConnector({
      records: { 'org-1': makeRecords(RECORD_COUNT) },
      deleted: { 'org-1': [{ sourceId: 'gone-1', deletedAt: new Date('2026-01-02T00:00:00Z') }] },
    });
    const report = await suite(feed, {
      makeContext: () => ({
        ctx: testContext({ key: 'good-key' }, {}),
        organizationId: 'org-1',
        expectedRecordCount: RECORD_COUNT,
        expectedDeletedIds: ['gone-1'],
      }),
    });
    expect(report.records).toBe(RECORD_COUNT);
  });

  it('fails a deletions feed that is missing, yields no ids, reports a live record or misses a deletion', async () => {
    const feed = (patch: Partial<Memory>): Memory => ({
      ...createMemoryConnector({
        records: { 'org-1': makeRecords(RECORD_COUNT) },
        deleted: { 'org-1': [{ sourceId: 'gone-1', deletedAt: new Date('2026-01-02T00:00:00Z') }] },
      }),
      ...patch,
    });
    const withDeleted = {
      makeContext: () => ({
        ctx: testContext({ key: 'good-key' }, {}),
        organizationId: 'org-1',
        expectedDeletedIds: ['gone-1'],
      }),
    };
    await expect(suite(feed({ listDeletedIds: undefined }))).rejects.toThrow(
      /deletionFeed is true but there is no listDeletedIds/,
    );
    const notIds = feed({
      async *listDeletedIds() {
        yield [''];
      },
    });
    await expect(suite(notIds)).rejects.toThrow(
      /listDeletedIds yields the ids of deleted records: not an id/,
    );
    const notChunks = feed({
      // A connector breaking the declared types on purpose: ids, not chunks of ids.
      listDeletedIds: async function* () {
        yield 'gone-1';
      } as unknown as Memory['listDeletedIds'],
    });
    await expect(suite(notChunks)).rejects.toThrow(/a chunk is not an array/);
    const live = feed({
      async *listDeletedIds() {
        yield ['gone-1', 'c7'];
      },
    });
    await expect(suite(live)).rejects.toThrow(/"c7" is reported deleted but a full read yields it/);
    const silent = feed({
      async *listDeletedIds() {
        yield [];
      },
    });
    await expect(suite(silent, withDeleted)).rejects.toThrow(
      /1 deleted record\(s\) not reported, e.g. gone-1/,
    );
  });

  it('fails a connector that claims to detect deletes without listIds', async () => {
    const connector = broken(() => ({ listIds: undefined }));
    await expect(suite(connector)).rejects.toThrow(/detectsDeletes is true but there is no listIds/);
  });

  it('fails a badly formed definition or a schema that refuses the working connection', async () => {
    await expect(suite(broken(() => ({ id: 'Memory Source' })))).rejects.toThrow(/kebab case/);
    await expect(
      suite(broken(() => ({ capabilities: { detectsDeletes: true, maxLookbackDays: 0 } }))),
    ).rejects.toThrow(/maxLookbackDays/);
    await expect(
      suite(good(), {
        makeContext: () => ({
          ctx: testContext({ key: 'good-key' }, { extra: 1 } as unknown as Record<string, never>),
          organizationId: 'org-1',
        }),
      }),
    ).rejects.toThrow(/settingsSchema refuses the working fixture's value/);
  });

  it('fails fields with a repeated key, without an email field, or with email typed as a string', async () => {
    const field = (key: string, type: 'email' | 'string') => ({
      key,
      label: key,
      type,
      availability: 'list' as const,
      custom: false,
    });
    await expect(
      suite(broken(() => ({ fields: async () => [field('email', 'email'), field('email', 'string')] }))),
    ).rejects.toThrow(/field key "email" repeats/);
    await expect(
      suite(broken(() => ({ fields: async () => [field('firstName', 'string')] }))),
    ).rejects.toThrow(/there is no "email" field/);
    await expect(suite(broken(() => ({ fields: async () => [field('email', 'string')] })))).rejects.toThrow(
      /typed "string", not "email"/,
    );
  });

  it('fails a record field that fields() does not describe, unless that check is turned off', async () => {
    const connector = broken(() => ({
      fields: async () => [
        {
          key: 'email',
          label: 'Email',
          type: 'email' as const,
          availability: 'list' as const,
          custom: false,
        },
      ],
    }));
    await expect(suite(connector)).rejects.toThrow(/has field "firstName", which fields\(\) does not list/);
    await expect(suite(connector, { requireDescribedRecordFields: false })).resolves.toBeDefined();
  });

  it('fails listOrganizations that does not include the organization under test', async () => {
    const connector = broken(() => ({ listOrganizations: async () => [{ id: 'org-2', name: 'Other' }] }));
    await expect(suite(connector)).rejects.toThrow(/"org-1" is not listed/);
  });

  it('fails a check result that is not a CheckResult', async () => {
    const connector = broken(() => ({ check: async () => ({ primaryEmail: 42 }) as never }));
    await expect(suite(connector)).rejects.toThrow(/check returns a CheckResult.*primaryEmail/);
  });

  it('fails a bad key that is refused with a plain Error instead of a typed one', async () => {
    const connector = broken((base) => ({
      check: async (ctx) => {
        if (ctx.credentials.key !== 'good-key') throw new Error('HTTP 401');
        return base.check(ctx);
      },
    }));
    await expect(suite(connector)).rejects.toThrow(/a wrong key: check threw an untyped/);
  });

  it('fails a bad key that read accepts although check refuses it', async () => {
    const connector = broken((base) => ({
      read: (ctx, request) => base.read({ ...ctx, credentials: { key: 'good-key' } }, request),
    }));
    await expect(suite(connector)).rejects.toThrow(/a wrong key: read succeeded/);
  });

  it('fails an error message that repeats the refused key', async () => {
    const connector = broken((base) => ({
      check: async (ctx) => {
        if (ctx.credentials.key !== 'good-key')
          throw new InvalidCredentialsError(`key ${ctx.credentials.key} refused`);
        return base.check(ctx);
      },
    }));
    await expect(suite(connector)).rejects.toThrow(/errors carry no secrets/);
  });

  it('throws ContractViolation, naming the rule', async () => {
    const error = await suite(good(), { pageSize: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).rule).toBe('the fixture exercises paging');
  });

  it('always cleans up the fixture, also after a violation', async () => {
    let cleaned = 0;
    await expect(
      suite(good(), {
        pageSize: 100,
        makeContext: () => ({
          ctx: testContext({ key: 'good-key' }, {}),
          organizationId: 'org-1',
          cleanup: () => void cleaned++,
        }),
      }),
    ).rejects.toThrow();
    expect(cleaned).toBe(1);
  });
});

describe('resumePoints', () => {
  it('takes every page of a short read and an even spread with both ends of a long one', () => {
    expect(resumePoints(3)).toEqual([0, 1, 2]);
    const points = resumePoints(50, 8);
    expect(points).toHaveLength(8);
    expect(points[0]).toBe(0);
    expect(points.slice(-2)).toEqual([48, 49]);
    expect(new Set(points).size).toBe(8);
  });
});

describeConnectorContract({ name: 'the in-memory reference', ...options(good()) });
