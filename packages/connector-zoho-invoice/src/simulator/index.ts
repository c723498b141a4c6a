export { benchSimulatorInfo, startBenchSimulator } from './bench.ts';
export { DEFAULT_EMAIL_MIX, type EmailMix, type GeneratorOptions, generateContacts } from './generator.ts';
export { startZohoInvoiceSimulator } from './server.ts';
export type * from './types.ts';
