import { InvalidConfigurationError } from '@leadsync/connector-sdk';
import { describe, expect, it } from 'vitest';
import { DATA_CENTERS, resolveEndpoints, zohoInvoiceSettingsSchema } from './settings.ts';

const allowed = ['127.0.0.1', 'localhost', '::1'];

describe('Zoho Invoice settings', () => {
  it('F1 maps each data center to www.zohoapis.<dc>/invoice/v3 and its accounts server (Canada: zohocloud.ca; UK: accounts.zoho.uk)', () => {
    expect(Object.keys(DATA_CENTERS)).toEqual([
      'com',
      'eu',
      'in',
      'com.au',
      'jp',
      'ca',
      'com.cn',
      'sa',
      'uk',
    ]);
    for (const [dc, hosts] of Object.entries(DATA_CENTERS)) {
      expect(hosts.apiUrl).toBe(`https://www.zohoapis.${dc}/invoice/v3`);
      expect(hosts.accountsUrl).toBe(
        dc === 'ca' ? 'https://accounts.zohocloud.ca' : `https://accounts.zoho.${dc}`,
      );
    }
  });

  it('uses the data center hosts without overrides, whatever the allowed hosts', () => {
    const settings = zohoInvoiceSettingsSchema.parse({ dataCenter: 'eu' });
    expect(resolveEndpoints(settings, [])).toEqual({
      apiUrl: 'https://www.zohoapis.eu/invoice/v3',
      accountsUrl: 'https://accounts.zoho.eu',
      apiUrlFixed: false,
    });
    expect(settings.includeContactPersons).toBe(false);
  });

  it('refuses an apiUrl that does not end with /invoice/v3, and an unknown data center', () => {
    expect(
      zohoInvoiceSettingsSchema.safeParse({ dataCenter: 'com', apiUrl: 'http://127.0.0.1:1/books/v3' })
        .success,
    ).toBe(false);
    expect(zohoInvoiceSettingsSchema.safeParse({ dataCenter: 'uk' }).success).toBe(true);
    expect(zohoInvoiceSettingsSchema.safeParse({ dataCenter: 'co.uk' }).success).toBe(false);
    expect(
      zohoInvoiceSettingsSchema.safeParse({ dataCenter: 'com', apiUrl: 'file:///etc/invoice/v3' }).success,
    ).toBe(false);
  });

  it('accepts overrides on allowed hosts, IPv6 loopback included', () => {
    const settings = zohoInvoiceSettingsSchema.parse({
      dataCenter: 'com',
      apiUrl: 'http://[::1]:4010/invoice/v3/',
      accountsUrl: 'http://LOCALHOST:4010',
    });
    expect(resolveEndpoints(settings, allowed)).toEqual({
      apiUrl: 'http://[::1]:4010/invoice/v3',
      accountsUrl: 'http://LOCALHOST:4010',
      apiUrlFixed: true,
    });
  });

  it('refuses an override host that is not allowed, naming the field', () => {
    const settings = zohoInvoiceSettingsSchema.parse({
      dataCenter: 'com',
      accountsUrl: 'http://metadata.internal',
    });
    try {
      resolveEndpoints(settings, allowed);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigurationError);
      expect((error as InvalidConfigurationError).field).toBe('accountsUrl');
      expect((error as InvalidConfigurationError).userMessage).toContain('not allowed');
    }
  });

  it('a host:port entry allows an override on that port only, with the same sentence as a refused host', () => {
    const on = (port: number) =>
      zohoInvoiceSettingsSchema.parse({
        dataCenter: 'com',
        apiUrl: `http://127.0.0.1:${port}/invoice/v3`,
        accountsUrl: `http://127.0.0.1:${port}`,
      });
    expect(resolveEndpoints(on(4010), ['127.0.0.1:4010']).apiUrl).toBe('http://127.0.0.1:4010/invoice/v3');
    const refusals = [
      () => resolveEndpoints(on(5432), ['127.0.0.1:4010']),
      () => resolveEndpoints(on(5432), ['hooks.example.com']),
    ].map((attempt) => {
      try {
        attempt();
      } catch (error) {
        return (error as InvalidConfigurationError).userMessage;
      }
      return 'accepted';
    });
    expect(refusals[0]).toContain('not allowed');
    expect(refusals[0]).not.toContain('5432');
    expect(refusals[1]).toBe(refusals[0]);
  });
});
