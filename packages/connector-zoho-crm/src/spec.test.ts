import { connectionSpecSchema } from '@leadsync/connector-sdk';
import { describe, expect, it } from 'vitest';
import { zohoCrmConnector } from './connector.ts';
import { REQUIRED_SCOPES } from './settings.ts';

describe('the connection form (spec)', () => {
  it('names every scope the key needs in its help, and offers the UK data center [C1, C4]', () => {
    const spec = connectionSpecSchema.parse(zohoCrmConnector.spec);
    for (const scope of REQUIRED_SCOPES) expect(spec.help).toContain(scope);
    expect(spec.accountKey).toBe('refreshToken');
    expect(spec.credentials.properties.clientSecret?.writeOnly).toBe(true);
    expect(spec.credentials.properties.refreshToken?.writeOnly).toBe(true);
    expect(spec.settings.properties.dataCenter?.oneOf?.map((c) => c.const)).toContain('uk');
  });
});
