import { InvalidCredentialsError, SourceUnavailableError } from '@leadsync/connector-sdk';
import { silentLogger } from '@leadsync/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { dataCentersFor, resolveEndpoints } from './data-centers.ts';
import { acceptableApiDomain, readTokenAnswer } from './tokens.ts';

const read = (status: number, body: string) =>
  readTokenAnswer({ status, text: body }, 60_000, [], silentLogger, 'zoho-test');

describe('Zoho token answers', () => {
  it('reads a token and a Zoho api_domain', () => {
    const token = read(200, '{"access_token":"a","expires_in":60,"api_domain":"https://www.zohoapis.uk"}');
    expect(token).toMatchObject({ token: 'a', lifetimeMs: 60_000, apiDomain: 'https://www.zohoapis.uk' });
  });

  it('names the credential at fault when Zoho refuses a key', () => {
    for (const [body, field] of [
      ['{"error":"invalid_client"}', 'clientId'],
      ['{"error":"invalid_code"}', 'refreshToken'],
    ] as const) {
      const error = (() => {
        try {
          read(200, body);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidCredentialsError);
      expect(error).toMatchObject({ field });
    }
  });

  it('gives a body of another shape as an unreadable answer or a refused key, never a crash', () => {
    expect(() => read(200, 'null')).toThrow(SourceUnavailableError);
    expect(() => read(200, '{"access_token":5}')).toThrow(SourceUnavailableError);
    expect(() => read(400, '[1]')).toThrow(InvalidCredentialsError);
  });

  it('takes an api_domain only from Zoho over https or from an allowed host', () => {
    expect(acceptableApiDomain('http://www.zohoapis.com', [])).toBeUndefined();
    expect(acceptableApiDomain('https://evil.example', [])).toBeUndefined();
    expect(acceptableApiDomain('http://127.0.0.1:4010', ['127.0.0.1'])).toBe('http://127.0.0.1:4010');
  });
});

describe('Zoho data centers', () => {
  it('gives each data center its API base for a product and its accounts server', () => {
    expect(dataCentersFor('/crm/v8').ca).toEqual({
      apiUrl: 'https://www.zohoapis.ca/crm/v8',
      accountsUrl: 'https://accounts.zohocloud.ca',
    });
    expect(resolveEndpoints({ dataCenter: 'uk' }, '/invoice/v3', [])).toEqual({
      apiUrl: 'https://www.zohoapis.uk/invoice/v3',
      accountsUrl: 'https://accounts.zoho.uk',
      apiUrlFixed: false,
    });
  });
});
