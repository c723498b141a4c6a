import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY, retryDelayMs } from './deliver.ts';
import { webhookUrlProblem } from './hosts.ts';
import { signWebhookBody } from './signature.ts';

describe('webhook retry delays', () => {
  const settings = { ...DEFAULT_WEBHOOK_RETRY, initialDelayMs: 1_000, maxDelayMs: 60_000 };

  it('double after each failed attempt, between half and all of the exponential delay', () => {
    expect(retryDelayMs(1, settings, () => 0)).toBe(500);
    expect(retryDelayMs(1, settings, () => 0.999_999)).toBe(1_000);
    expect(retryDelayMs(2, settings, () => 0)).toBe(1_000);
    expect(retryDelayMs(4, settings, () => 0.5)).toBe(6_000);
  });

  it('never exceed the longest delay', () => {
    expect(retryDelayMs(30, settings, () => 0.999_999)).toBe(60_000);
  });

  it('with the defaults, keep trying for a day in about thirty attempts', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed <= DEFAULT_WEBHOOK_RETRY.retryForMs) {
      attempts += 1;
      elapsed += retryDelayMs(attempts, DEFAULT_WEBHOOK_RETRY, () => 0.5);
    }
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});

describe('webhook target hosts', () => {
  const allowed = ['127.0.0.1', 'localhost', '::1', 'hooks.example.com'];

  it('accept http(s) URLs on an allowed host, in any case', () => {
    expect(webhookUrlProblem('https://HOOKS.example.com/leadsync', allowed)).toBeUndefined();
    expect(webhookUrlProblem('http://[::1]:8080/x', allowed)).toBeUndefined();
  });

  it('refuse other hosts, other schemes, credentials in the URL and non-URLs', () => {
    expect(webhookUrlProblem('https://169.254.169.254/latest', allowed)).toMatch(/not allowed/);
    expect(webhookUrlProblem('https://hooks.example.com.evil.net/', allowed)).toMatch(/not allowed/);
    expect(webhookUrlProblem('file:///etc/passwd', allowed)).toMatch(/https:\/\//);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', allowed)).toMatch(/user name/);
    expect(webhookUrlProblem('not a url', allowed)).toMatch(/not a valid/);
  });
});

describe('webhook signatures', () => {
  it('are the hex HMAC-SHA256 of "<t>.<body>" (a known vector)', () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(signWebhookBody('secret', '{"a":1}', 1_700_000_000)).toBe(
      't=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686',
    );
  });
});
