import type { SpecProperty } from '../api/types.ts';

/** A choice field of a connection spec whose default is not its first option (a form must take the default). */
export const regionField: SpecProperty = {
  type: 'string',
  title: 'Region',
  default: 'us',
  oneOf: [
    { const: 'eu', title: 'Europe' },
    { const: 'us', title: 'United States' },
  ],
};
