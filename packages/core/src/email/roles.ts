/**
 * Role (group) mailbox names: a message to them reaches a function, not a person, so a marketing list
 * ignores them (rule 3). The seed's list, RFC 2142's mailbox names and the common aliases of
 * business mail. Matched against the whole local part before any `+tag`, lowercased.
 */
export const DEFAULT_ROLE_LOCAL_PARTS: readonly string[] = [
  // the seed's list
  'info',
  'administrator',
  'careers',
  'service',
  'support',
  // RFC 2142
  'marketing',
  'sales',
  'abuse',
  'noc',
  'security',
  'postmaster',
  'hostmaster',
  'usenet',
  'news',
  'webmaster',
  'www',
  'uucp',
  'ftp',
  // common aliases
  'admin',
  'accounts',
  'accounting',
  'all',
  'billing',
  'bounce',
  'bounces',
  'contact',
  'contactus',
  'customercare',
  'customerservice',
  'do-not-reply',
  'do_not_reply',
  'donotreply',
  'enquiries',
  'enquiry',
  'everyone',
  'feedback',
  'finance',
  'hello',
  'help',
  'helpdesk',
  'hr',
  'inquiries',
  'inquiry',
  'it',
  'jobs',
  'legal',
  'list',
  'listserv',
  'mailer-daemon',
  'majordomo',
  'media',
  'newsletter',
  'no-reply',
  'no.reply',
  'no_reply',
  'noreply',
  'notifications',
  'office',
  'orders',
  'press',
  'privacy',
  'reception',
  'recruiting',
  'recruitment',
  'root',
  'services',
  'staff',
  'subscribe',
  'sysadmin',
  'team',
  'techsupport',
  'unsubscribe',
];

const DEFAULT_ROLES: ReadonlySet<string> = new Set(DEFAULT_ROLE_LOCAL_PARTS);

/** Normalizes an organization's own role names the way local parts are matched: trimmed, lowercased. */
export function roleSet(extraRoles?: Iterable<string>): ReadonlySet<string> {
  if (!extraRoles) return DEFAULT_ROLES;
  const set = new Set(DEFAULT_ROLES);
  for (const role of extraRoles) {
    const name = role.trim().toLowerCase();
    if (name) set.add(name);
  }
  return set;
}
