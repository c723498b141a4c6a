import { describe, expect, it } from 'vitest';
import {
  AllowedHostsError,
  isUrlAllowed,
  loopbackPortHosts,
  parseAllowedHost,
  parseAllowedHosts,
} from './allowed-hosts.ts';

describe('LEADSYNC_ALLOWED_HOSTS entries', () => {
  it('a host:port entry allows that port only', () => {
    const allowed = ['127.0.0.1:9000'];
    expect(isUrlAllowed('http://127.0.0.1:9000/hook', allowed)).toBe(true);
    expect(isUrlAllowed('http://127.0.0.1:5432/', allowed)).toBe(false);
    expect(isUrlAllowed('http://127.0.0.1/', allowed)).toBe(false);
    expect(isUrlAllowed('https://127.0.0.1:9000/', allowed)).toBe(true);
  });

  it('a bare host allows every port of it, and no other host', () => {
    const allowed = ['hooks.example.com'];
    expect(isUrlAllowed('https://hooks.example.com/x', allowed)).toBe(true);
    expect(isUrlAllowed('http://hooks.example.com:8443/x', allowed)).toBe(true);
    expect(isUrlAllowed('https://evil.hooks.example.com/x', allowed)).toBe(false);
    expect(isUrlAllowed('https://hooks.example.com.evil.net/x', allowed)).toBe(false);
  });

  it('a URL without a port is on its scheme’s default port', () => {
    expect(isUrlAllowed('https://hooks.example.com/x', ['hooks.example.com:443'])).toBe(true);
    expect(isUrlAllowed('http://hooks.example.com/x', ['hooks.example.com:443'])).toBe(false);
    expect(isUrlAllowed('http://hooks.example.com/x', ['hooks.example.com:80'])).toBe(true);
  });

  it('IPv6: [addr]:port allows that port, a bare or bracketed address every port', () => {
    expect(isUrlAllowed('http://[::1]:9000/', ['[::1]:9000'])).toBe(true);
    expect(isUrlAllowed('http://[::1]:9001/', ['[::1]:9000'])).toBe(false);
    expect(isUrlAllowed('http://[::1]:9001/', ['::1'])).toBe(true);
    expect(isUrlAllowed('http://[0:0:0:0:0:0:0:1]:9001/', ['[::1]'])).toBe(true);
    expect(isUrlAllowed('http://127.0.0.1:9000/', ['[::1]:9000'])).toBe(false);
  });

  it('compares hosts in their canonical form, so other spellings of an address are not a way around', () => {
    expect(isUrlAllowed('http://0x7f.1:9000/', ['127.0.0.1:9000'])).toBe(true);
    expect(isUrlAllowed('http://2130706433:5432/', ['127.0.0.1:9000'])).toBe(false);
    expect(isUrlAllowed('http://HOOKS.Example.COM./', ['hooks.example.com'])).toBe(true);
    expect(isUrlAllowed('http://localhost:5432/', ['127.0.0.1:9000', 'localhost:9000'])).toBe(false);
  });

  it('refuses other schemes, user info and unparsable URLs', () => {
    expect(isUrlAllowed('ftp://hooks.example.com/', ['hooks.example.com'])).toBe(false);
    expect(isUrlAllowed('http://u:p@hooks.example.com/', ['hooks.example.com'])).toBe(false);
    expect(isUrlAllowed('not a url', ['hooks.example.com'])).toBe(false);
  });

  it('parses a comma-separated list into canonical entries and names a bad entry', () => {
    expect(parseAllowedHosts(' Hooks.Example.com , 127.0.0.1:9000,[::1]:9000, ::1 ,')).toEqual([
      'hooks.example.com',
      '127.0.0.1:9000',
      '[::1]:9000',
      '[::1]',
    ]);
    for (const bad of ['host:0', 'host:65536', 'host:x', 'a b', '[::1]:', 'http://host', '[nope]:1'])
      expect(() => parseAllowedHost(bad)).toThrow(AllowedHostsError);
  });

  it('the default allows the given loopback port only, or nothing', () => {
    const allowed = loopbackPortHosts(4100);
    expect(isUrlAllowed('http://127.0.0.1:4100/invoice/v3', allowed)).toBe(true);
    expect(isUrlAllowed('http://localhost:4100/', allowed)).toBe(true);
    expect(isUrlAllowed('http://[::1]:4100/', allowed)).toBe(true);
    expect(isUrlAllowed('http://127.0.0.1:5432/', allowed)).toBe(false);
    expect(isUrlAllowed('http://127.0.0.1:4100/', loopbackPortHosts(undefined))).toBe(false);
  });
});
