export * from './api-keys.ts';
export * from './connections.ts';
export * from './leads.ts';
export * from './mailing-lists.ts';
export * from './organizations.ts';
export * from './runs.ts';
export * from './source-records.ts';
export * from './syncs.ts';
