import type { LeadStatus, TimelineEvent } from '../api/types.ts';

// A person's timeline in plain sentences: "3 Dec 09:30 — sync Zoho customers (run 42): ignored, the address is a
// group address (info@…)".

const statusWords: Record<LeadStatus, string> = {
  ACTIVE: 'active',
  DELETED: 'deleted',
  BOUNCED: 'bounced',
  DO_NOT_MAIL: 'do not mail',
};

/** "3 Dec 09:30" (the year too when it is not this year's), in the browser's zone unless one is given. */
export function formatWhen(iso: string, now: Date = new Date(), timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = timeZone ? { timeZone } : {};
  const year = new Intl.DateTimeFormat('en-GB', { year: 'numeric', ...zone });
  const sameYear = year.format(date) === year.format(now);
  const day = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    ...zone,
  }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...zone,
  }).format(date);
  return `${day} ${time}`;
}

/** "info@…": enough of an address to recognise it, in a sentence about it. */
export function shortAddress(email: string | null): string {
  if (!email) return '';
  const at = email.indexOf('@');
  return at > 0 ? `${email.slice(0, at + 1)}…` : email.length > 24 ? `${email.slice(0, 24)}…` : email;
}

/** Who or what did it: "sync Zoho customers (run 42)", "API key Ops", "someone". */
export function eventActor(event: TimelineEvent): string {
  if (event.runId) {
    const sync = event.sync?.name ? `sync ${event.sync.name}` : 'a deleted sync';
    return event.runNumber ? `${sync} (run ${event.runNumber})` : sync;
  }
  if (event.apiKeyName) return `API key ${event.apiKeyName}`;
  if (event.sync?.name) return `sync ${event.sync.name}`;
  return 'someone';
}

/** What happened, after the actor: "ignored, the address is a group address (info@…)". */
export function eventWhat(event: TimelineEvent): string {
  switch (event.kind) {
    case 'RUN_RECORD':
      return runRecordWhat(event);
    case 'UNDO':
      return 'the run was undone, and with it what it did to this person';
    case 'STATUS_CHANGED':
      if (event.toStatus === 'DELETED') return 'deleted the lead (taken off every list)';
      if (!event.fromStatus) return `added the address as ${statusWords[event.toStatus ?? 'ACTIVE']}`;
      return `status set from ${statusWords[event.fromStatus]} to ${statusWords[event.toStatus ?? 'ACTIVE']}`;
    case 'MEMBERSHIP_ADDED':
      return `added to the list ${event.mailingList?.name ?? '(deleted list)'}`;
    case 'MEMBERSHIP_REMOVED':
      return `taken off the list ${event.mailingList?.name ?? '(deleted list)'}`;
  }
}

function runRecordWhat(event: TimelineEvent): string {
  switch (event.outcome) {
    case 'NEW':
      return 'new lead, added to the list';
    case 'RE_ADDED':
      return 're-added: the lead had been deleted, it is back on the list';
    case 'DUPLICATE':
      return 'already a lead: fields updated, kept on the list';
    case 'DELETED':
      return 'no longer in the source: taken off the list';
    case 'IGNORED':
      return `ignored, ${ignoredWhy(event)}`;
    default:
      return 'recorded';
  }
}

function ignoredWhy(event: TimelineEvent): string {
  switch (event.reason) {
    case 'GROUP_EMAIL':
      return `the address is a group address (${shortAddress(event.email)})`;
    case 'INVALID_PATTERN':
      return event.suggestion
        ? `the address looks mistyped (the source had ${event.email ?? 'it'}; did you mean ${event.suggestion}?)`
        : `the address is not valid (the source had ${event.email ?? 'nothing usable'})`;
    case 'FILE_DUPLICATE':
      return 'the address appeared earlier in the same run (only the first was imported)';
    case 'BOUNCED':
      return 'the person is marked bounced';
    case 'DO_NOT_MAIL':
      return 'the person asked not to be mailed (do not mail)';
    case 'EMPTY_EMAIL':
      return 'the record had no email';
    default:
      return 'for a reason not known to this console';
  }
}

/** The whole sentence: "3 Dec 09:30 — sync Zoho customers (run 42): ignored, …". */
export function describeEvent(event: TimelineEvent, now?: Date, timeZone?: string): string {
  return `${formatWhen(event.at, now, timeZone)} — ${eventActor(event)}: ${eventWhat(event)}`;
}
