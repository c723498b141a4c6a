import { loopbackPortHosts, type RunningConnectorSandbox } from '@leadsync/connector-sdk';
import type { ZohoCredentials } from './tokens.ts';

/** A running Zoho simulator, as far as the sandbox needs it. */
export interface RunningZohoSimulator {
  apiUrl: string;
  accountsUrl: string;
  credentials: ZohoCredentials;
  primaryEmail: string;
  close(): Promise<void>;
}

/**
 * A Zoho simulator as `pnpm start`'s connection: its key (shown masked by `maskedKey`), settings that point at it, its
 * loopback port allowed.
 */
export function zohoSandboxConnection(
  simulator: RunningZohoSimulator,
  maskedKey: ((credentials: ZohoCredentials) => string | undefined) | undefined,
): RunningConnectorSandbox {
  return {
    credentials: { ...simulator.credentials },
    // Not the testing export's simulatorSettings: that module loads the test tooling.
    settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
    primaryEmail: simulator.primaryEmail,
    maskedKey: maskedKey?.(simulator.credentials),
    allowedHosts: loopbackPortHosts(Number(new URL(simulator.apiUrl).port)),
    logInfo: { apiUrl: simulator.apiUrl },
    close: () => simulator.close(),
  };
}
