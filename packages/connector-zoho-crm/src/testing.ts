import { FAST_SIMULATOR_OPTIONS, simulatorSettings } from '@leadsync/zoho-accounts/testing';
import { createZohoCrmConnector, type ZohoCrmConnectorOptions } from './connector.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';

/** Client options for a local simulator (FAST_SIMULATOR_OPTIONS) that also wait out a 429 in milliseconds. */
export const FAST_ZOHO_CRM_OPTIONS: ZohoCrmConnectorOptions = {
  ...FAST_SIMULATOR_OPTIONS,
  defaultRetryAfterMs: 5,
};

/** The real connector tuned by FAST_ZOHO_CRM_OPTIONS; `options` override them (`planDailyQuota: true`: as in production). */
export function fastZohoCrmConnector(options: ZohoCrmConnectorOptions = {}) {
  return createZohoCrmConnector({ ...FAST_ZOHO_CRM_OPTIONS, ...options });
}

/** A connection's settings that point at the simulator. */
export function crmSimulatorSettings(sim: ZohoCrmSimulator) {
  return simulatorSettings(sim);
}
