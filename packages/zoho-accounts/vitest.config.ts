import { leadsyncVitestConfig } from '@leadsync/testing/vitest';

export default leadsyncVitestConfig();
