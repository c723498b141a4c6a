/**
 * Where a webhook may send: http(s) to a host of `LEADSYNC_ALLOWED_HOSTS`, the rule of the source URL overrides
 * (DESIGN.md section 7), so a tenant cannot point the server at internal addresses. Returns why not, or undefined.
 * Checked when the webhook is created and again before every attempt (the operator may have narrowed the list).
 */
export function webhookUrlProblem(url: string, allowedHosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The URL is not a valid absolute URL.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return 'The URL must start with https:// or http://.';
  }
  if (parsed.username || parsed.password) return 'The URL must not contain a user name or password.';
  const host = normalizeHost(parsed.hostname);
  const allowed = new Set(allowedHosts.map(normalizeHost));
  if (!allowed.has(host)) {
    return `The host "${host}" is not allowed on this server. Ask the operator to add it to LEADSYNC_ALLOWED_HOSTS.`;
  }
  return undefined;
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
