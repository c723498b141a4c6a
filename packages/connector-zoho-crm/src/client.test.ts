import { describe, expect, it } from 'vitest';
import { ZohoCrmClient } from './client.ts';
import { silentLogger } from './test-helpers.ts';

const endpoints = {
  apiUrl: 'https://www.zohoapis.com/crm/v8',
  accountsUrl: 'https://accounts.zoho.com',
  apiUrlFixed: false,
};
const key = (refreshToken: string, clientId = '1000.CLIENT') => ({
  clientId,
  clientSecret: 'secret-of-client',
  refreshToken,
});
const account = (credentials: ReturnType<typeof key>) =>
  new ZohoCrmClient(endpoints, credentials, {}, { logger: silentLogger, allowedHosts: [] }).account;

describe('the request budget account', () => {
  it('is one per Zoho CRM organization key, not one per data center: two tenants on zohoapis.com do not share credits', () => {
    const a = account(key('1000.refresh-token-of-tenant-a'));
    expect(account(key('1000.refresh-token-of-tenant-a'))).toBe(a);
    expect(account(key('1000.refresh-token-of-tenant-b'))).not.toBe(a);
    expect(account(key('1000.refresh-token-of-tenant-a', '1000.OTHER'))).not.toBe(a);
  });

  it('names no credential (the engine stores it in PostgreSQL)', () => {
    const credentials = key('1000.refresh-token-of-tenant-a');
    const name = account(credentials);
    for (const secret of Object.values(credentials)) expect(name).not.toContain(secret);
    expect(name.startsWith('https://www.zohoapis.com/crm/v8|')).toBe(true);
  });
});
