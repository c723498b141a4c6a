import { leadsyncVitestConfig } from '@leadsync/testing/vitest';

// postgres.js 3.4.9's uncaught `nextWrite` TypeError after a server shutdown (porsager/postgres#1208) is fixed by
// the root's pnpm patch (patches/postgres@3.4.9.patch); the database-restart test fails if it ever comes back.
export default leadsyncVitestConfig({ database: true });
