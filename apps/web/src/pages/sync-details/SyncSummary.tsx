import type { Connector, CriteriaGroup, SyncDetail } from '../../api/types.ts';
import { Badge } from '../../components/ui.tsx';
import { describeSchedule, formatDateTime } from '../../lib/format.ts';
import { href } from '../../lib/router.ts';

export function describeCriteria(c: CriteriaGroup | null | undefined): string {
  if (!c || !Array.isArray(c.rules)) return '';
  const parts = c.rules.map((r) => {
    if ('rules' in r) return `(${describeCriteria(r)})`;
    const value = Array.isArray(r.value) ? r.value.join(', ') : (r.value ?? '');
    return `${r.field} ${r.op.replaceAll('_', ' ')}${value ? ` "${value}"` : ''}`;
  });
  return parts.join(c.match === 'any' ? ' or ' : ' and ');
}

/** What the sync is: its connection (and whether its key is in order), list, leads, schedule, window, mapping. */
export function SyncSummary({ sync, connector }: { sync: SyncDetail; connector: Connector | undefined }) {
  return (
    <dl className="summary">
      <dt>Connection</dt>
      <dd>
        {sync.connection.name}{' '}
        <Badge tone="neutral">{connector?.displayName ?? sync.connection.connector}</Badge>
        {sync.connection.status === 'NEEDS_NEW_KEY' ? (
          <>
            {' '}
            <Badge tone="bad">Needs a new key</Badge>{' '}
            <a href={href({ name: 'settings' })}>Update it in Settings</a>
          </>
        ) : null}
        {sync.connection.status === 'NEEDS_PERMISSION' ? (
          <>
            {' '}
            <Badge tone="warn">Key lacks a permission</Badge> the last run says which; grant it at the source
            and run again (the syncs stay active)
          </>
        ) : null}
      </dd>
      <dt>Mailing list</dt>
      <dd>
        <a href={href({ name: 'leads', mailingListId: sync.mailingList.id })}>{sync.mailingList.name}</a>
      </dd>
      <dt>Leads</dt>
      <dd>{sync.importMode === 'ALL' ? 'All leads' : `Matching: ${describeCriteria(sync.criteria)}`}</dd>
      <dt>Schedule</dt>
      <dd data-testid="sync-schedule">{describeSchedule(sync.schedule)}</dd>
      <dt>Next run</dt>
      <dd data-testid="sync-next-run">
        {sync.status === 'ACTIVE' && sync.nextRunAt
          ? formatDateTime(sync.nextRunAt, sync.schedule.timeZone)
          : sync.status === 'ACTIVE'
            ? 'None scheduled'
            : 'Not scheduled while the sync is not active'}
      </dd>
      <dt>Data retrieved since</dt>
      <dd>
        {sync.retrieveFrom ? formatDateTime(sync.retrieveFrom, sync.schedule.timeZone) : 'The beginning'}
        {sync.fullRereadPending && sync.lastRun ? (
          <div className="muted small" data-testid="reread-pending">
            The next run re-reads everything since then (the criteria, mapping or date changed).
          </div>
        ) : null}
      </dd>
      <dt>Field mapping</dt>
      <dd>{sync.fieldMapping.map((m) => `${m.source} → ${m.target}`).join(', ')}</dd>
    </dl>
  );
}
