// The allowed-hosts rule is core's; connectors check their URL overrides with it through the SDK.
export { isUrlAllowed, loopbackPortHosts } from '@leadsync/core';
export * from './budget.ts';
export * from './connector.ts';
export * from './errors.ts';
export * from './http.ts';
export * from './registry.ts';
export * from './sandbox.ts';
export * from './spec.ts';
