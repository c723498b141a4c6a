import { describe, expect, it } from 'vitest';
import { EnvironmentError, loadWorkerEnvironment } from './env.ts';

describe('worker environment', () => {
  it('has sensible defaults', () => {
    const env = loadWorkerEnvironment({});
    expect(env.DATABASE_URL).toBeUndefined();
    // Unset: no host list; the process that runs the sandbox allows only its port (`loopbackPortHosts`).
    expect(env.LEADSYNC_ALLOWED_HOSTS).toBeUndefined();
    expect(env.LEADSYNC_DATA_DIR).toMatch(/\.data$/);
    expect(env.LEADSYNC_WORKER_CONCURRENCY).toBe(2);
  });

  it('names a bad DATABASE_URL in one line', () => {
    let error: unknown;
    try {
      loadWorkerEnvironment({ DATABASE_URL: 'mysql://nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Missing or invalid environment: DATABASE_URL \(expected .*postgres.*got "mysql:\/\/nope"\)$/,
    );
    expect(message).not.toContain('\n');
  });

  it('splits the connector list and the allowed hosts', () => {
    const env = loadWorkerEnvironment({
      LEADSYNC_WORKER_CONNECTORS: 'zoho-invoice, csv',
      LEADSYNC_ALLOWED_HOSTS: 'proxy.example.com,[::1], 127.0.0.1:9000,[::1]:9001',
    });
    expect(env.LEADSYNC_WORKER_CONNECTORS).toEqual(['zoho-invoice', 'csv']);
    expect(env.LEADSYNC_ALLOWED_HOSTS).toEqual([
      'proxy.example.com',
      '[::1]',
      '127.0.0.1:9000',
      '[::1]:9001',
    ]);
  });

  it('names a bad allowed-hosts entry in one line', () => {
    expect(() => loadWorkerEnvironment({ LEADSYNC_ALLOWED_HOSTS: 'ok.example.com,host:99999' })).toThrow(
      /^Missing or invalid environment: LEADSYNC_ALLOWED_HOSTS \(expected .*"host:99999"/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadWorkerEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
