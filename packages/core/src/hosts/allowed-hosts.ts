/**
 * `LEADSYNC_ALLOWED_HOSTS`: where a tenant may point the server (webhook URLs, a connection's `apiUrl` /
 * `accountsUrl` overrides). The one implementation of the rule, used at creation and again before every request.
 *
 * An entry is `host` (every port of it), `host:port` (that port only), or for IPv6 `[addr]:port` / `[addr]` / a bare
 * `addr`. Hosts are compared in the WHATWG URL's canonical form (lowercase, punycode, `0x7f.1` → `127.0.0.1`,
 * IPv6 compressed), without a trailing dot; a URL without a port has its scheme's default port (80, 443).
 */

export class AllowedHostsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowedHostsError';
  }
}

export interface AllowedHost {
  /** Canonical host: IPv6 without brackets. */
  host: string;
  /** Undefined: every port. */
  port?: number;
}

function canonicalHost(host: string): string | undefined {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  let hostname: string;
  try {
    hostname = new URL(`http://${bracketed}/`).hostname;
  } catch {
    return undefined;
  }
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (!bare || (!host.includes(':') && !/^[a-z0-9.-]+$/.test(bare))) return undefined;
  return bare;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/** One entry of the list; throws `AllowedHostsError` naming the entry when it is not a host or `host:port`. */
export function parseAllowedHost(entry: string): AllowedHost {
  const text = entry.trim().toLowerCase();
  const invalid = () => new AllowedHostsError(`"${entry}" is not a host, host:port or [IPv6 address]:port`);
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  const colons = text.split(':').length - 1;
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (!host.includes(':')) throw invalid(); // brackets are for IPv6 addresses
    portText = bracketed[2];
  } else if (colons > 1) {
    host = text; // a bare IPv6 address: every port
  } else if (colons === 1) {
    [host = '', portText] = text.split(':');
  } else {
    host = text;
  }
  const canonical = canonicalHost(host);
  if (!canonical) throw invalid();
  if (portText === undefined) return { host: canonical };
  const port = parsePort(portText);
  if (port === undefined) throw invalid();
  return { host: canonical, port };
}

/** The entry as written back (`host`, `host:port`, `[v6]:port`). */
export function formatAllowedHost({ host, port }: AllowedHost): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}

/** A comma-separated list (the environment variable) into canonical entries; throws on a bad entry. */
export function parseAllowedHosts(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => formatAllowedHost(parseAllowedHost(entry)));
}

/**
 * The default when the operator set no list: only the given port on loopback (the sandbox simulator's own), or
 * nothing at all. An operator who wants a local receiver lists it (`LEADSYNC_ALLOWED_HOSTS=127.0.0.1:9000`).
 */
export function loopbackPortHosts(port: number | undefined): string[] {
  return port === undefined ? [] : [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/** True when the URL is http(s), has no user info, and its host and port match an entry of `allowedHosts`. */
export function isUrlAllowed(url: string | URL, allowedHosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return allowedHosts.some((entry) => {
    let rule: AllowedHost;
    try {
      rule = parseAllowedHost(entry);
    } catch {
      return false;
    }
    return rule.host === host && (rule.port === undefined || rule.port === port);
  });
}
