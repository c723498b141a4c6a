import { isUrlAllowed } from '@leadsync/core';

/** What a tenant is told about a URL the operator did not allow: never whether the host or only the port failed. */
export const NOT_ALLOWED_MESSAGE =
  'This URL is not allowed on this server: its host and port must be in LEADSYNC_ALLOWED_HOSTS (ask the operator).';

/**
 * Where a webhook may send: http(s) to a host (and port) of `LEADSYNC_ALLOWED_HOSTS`, the rule of the source URL
 * overrides (`isUrlAllowed` of @leadsync/core), so a tenant cannot point the server at internal addresses. Returns
 * why not, or undefined. Checked when the webhook is created and again before every attempt (the operator may have
 * narrowed the list).
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
  return isUrlAllowed(parsed, allowedHosts) ? undefined : NOT_ALLOWED_MESSAGE;
}
