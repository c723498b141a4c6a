import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type ContractFixture,
  type ContractSuiteOptions,
  checkBadContext,
  checkCheck,
  checkDefinition,
  checkDeletedIds,
  checkFields,
  checkListIds,
  checkListOrganizations,
  checkRead,
  checkRecordFieldsDescribed,
  checkResume,
  type FullRead,
} from './contract.ts';

export interface DescribeContractOptions<Creds, Settings> extends ContractSuiteOptions<Creds, Settings> {
  /** Per test and per hook. Default 30 s. */
  timeoutMs?: number;
}

/**
 * The shared contract suite as vitest tests. Call it at the top level of a connector package's test file:
 *
 * ```ts
 * describeConnectorContract({
 *   connector: csvConnector,
 *   makeContext: async () => ({ ctx, organizationId: 'file', expectedRecordCount: 120 }),
 *   pageSize: 25,
 *   badContexts: [{ name: 'a file that is not CSV', make: () => ({ ctx: badCtx, organizationId: 'file' }) }],
 * });
 * ```
 *
 * One fixture is made for the whole suite (and cleaned up after it); the full read is done once and shared.
 */
export function describeConnectorContract<Creds, Settings>(
  options: DescribeContractOptions<Creds, Settings>,
): void {
  const { connector } = options;
  const timeout = options.timeoutMs ?? 30_000;
  describe(`${options.name ?? connector.id} connector contract`, () => {
    let fixture: ContractFixture<Creds, Settings> | undefined;
    let full: Promise<FullRead> | undefined;
    const current = (): ContractFixture<Creds, Settings> => {
      if (!fixture) throw new Error('the contract fixture was not set up (makeContext failed?)');
      return fixture;
    };
    const fullRead = (): Promise<FullRead> => {
      full ??= checkRead(connector, current(), options);
      return full;
    };

    beforeAll(async () => {
      fixture = await options.makeContext();
    }, timeout);
    afterAll(async () => {
      await fixture?.cleanup?.();
    }, timeout);

    it('has a well-formed definition whose schemas accept the working connection', () => {
      checkDefinition(connector, current());
    });
    it('check returns a CheckResult', () => checkCheck(connector, current()), timeout);
    it(
      'listOrganizations returns unique organizations including the one under test',
      () => checkListOrganizations(connector, current()),
      timeout,
    );
    it(
      'fields returns descriptors with unique keys, including the email field',
      async () => {
        await checkFields(connector, current(), options);
      },
      timeout,
    );
    it(
      'read yields parsable records with unique source ids over several pages, with JSON checkpoints',
      async () => {
        await fullRead();
      },
      timeout,
    );
    it.skipIf(options.requireDescribedRecordFields === false)(
      'every record field is one that fields() describes',
      async () => {
        const descriptors = await checkFields(connector, current(), options);
        checkRecordFieldsDescribed(descriptors, await fullRead());
      },
      timeout,
    );
    it(
      'resuming from a checkpoint yields exactly the records after it, none lost or repeated',
      async () => {
        await checkResume(connector, current(), await fullRead(), options);
      },
      timeout,
    );
    it.skipIf(!connector.capabilities.detectsDeletes && !connector.listIds)(
      'listIds yields the same ids as a full read, each once',
      async () => {
        await checkListIds(connector, current(), await fullRead());
      },
      timeout,
    );
    it.skipIf(!connector.capabilities.deletionFeed)(
      'listDeletedIds yields ids of deleted records, none a full read yields',
      async () => {
        await checkDeletedIds(connector, current(), await fullRead());
      },
      timeout,
    );
    for (const badCase of options.badContexts ?? []) {
      it(
        `refuses ${badCase.name} with a typed connector error`,
        async () => {
          const bad = await badCase.make();
          try {
            await checkBadContext(connector, bad);
          } finally {
            await bad.cleanup?.();
          }
        },
        timeout,
      );
    }
  });
}
