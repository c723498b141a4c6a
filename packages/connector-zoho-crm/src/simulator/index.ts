export { DEFAULT_SCOPES } from './auth.ts';
export { DEFAULT_EMAIL_MIX, type EmailMix, generateRecords } from './generator.ts';
export { startZohoCrmSimulator } from './server.ts';
export type * from './types.ts';
