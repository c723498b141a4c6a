export * from './contract.ts';
export * from './describe.ts';
export * from './memory-connector.ts';
export * from './memory-files.ts';
