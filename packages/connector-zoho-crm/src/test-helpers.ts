import type { ConnectorContext, RecordPage } from '@leadsync/connector-sdk';
import { LOOPBACK, silentLogger } from '@leadsync/zoho-accounts/testing';
import type { ZohoCrmCredentials, ZohoCrmSettings } from './settings.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';

export {
  FAST_TEST_OPTIONS as FAST,
  LOOPBACK,
  readAll,
  silentLogger,
} from '@leadsync/zoho-accounts/testing';

export type CrmContext = ConnectorContext<ZohoCrmCredentials, ZohoCrmSettings>;

export function contextFor(
  sim: ZohoCrmSimulator,
  extra: Partial<CrmContext> = {},
  settings: Partial<ZohoCrmSettings> = {},
): CrmContext {
  return {
    credentials: sim.credentials,
    settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl, ...settings },
    logger: silentLogger,
    allowedHosts: LOOPBACK,
    ...extra,
  };
}

export const idsOf = (pages: RecordPage[]) => pages.flatMap((p) => p.records.map((r) => r.sourceId));
