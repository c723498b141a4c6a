import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../api/errors.ts';
import { LeadTimelineQuery } from '../api/operations.ts';
import type { LeadTimeline, TimelineEvent } from '../api/types.ts';
import { ErrorBanner, Loading, ShowMore } from '../components/ui.tsx';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { eventActor, eventWhat, formatWhen } from '../lib/timeline.ts';
import { LeadStatusBadge, PersonSearch } from './Leads.tsx';

const pageSize = 50;

/** One person's story: the lead (if any) and every run record, status and list change and undo, newest first. */
export function PersonPage({ email }: { email: string }) {
  const [cursors, setCursors] = useState<string[]>(['']);
  const [pages, setPages] = useState<Record<string, { cursor: string; node: TimelineEvent }[]>>({});
  const after = cursors[cursors.length - 1] ?? '';
  const [{ data, fetching, error, operation }] = useQuery<{ leadTimeline: LeadTimeline }>({
    query: LeadTimelineQuery,
    variables: { email, first: pageSize, after: after || null },
    requestPolicy: 'cache-and-network',
  });
  const timeline = data?.leadTimeline;
  const pageCursor = (operation?.variables as { after?: string | null } | undefined)?.after ?? '';
  useEffect(() => {
    if (timeline) setPages((old) => ({ ...old, [pageCursor]: timeline.events.edges }));
  }, [timeline, pageCursor]);
  const rows = cursors.flatMap((c) => pages[c] ?? []);
  const lead = timeline?.lead ?? null;
  return (
    <div data-testid="person-page">
      <p>
        <a href={href({ name: 'leads', mailingListId: null })}>← Leads</a>
      </p>
      <PersonSearch initial={email} />
      <h1 className="email" data-testid="person-email">
        {timeline?.email ?? email}
      </h1>
      <ErrorBanner message={errorMessage(error)} />
      {!timeline && fetching ? <Loading what="this person's story" /> : null}
      {timeline ? (
        <section className="card" aria-label="Lead" data-testid="person-lead">
          {lead ? (
            <>
              <p>
                <LeadStatusBadge status={lead.status} />{' '}
                {[lead.firstName, lead.lastName].filter(Boolean).join(' ') || (
                  <span className="muted">No name</span>
                )}
              </p>
              <p data-testid="person-lists">
                {timeline.lists.length === 0
                  ? 'On no list.'
                  : `On ${timeline.lists
                      .map(
                        (m) =>
                          `${m.mailingList.name ?? '(deleted list)'} since ${formatDateTime(m.addedAt)}${
                            m.addedBy?.name ? ` (added by sync ${m.addedBy.name})` : ''
                          }`,
                      )
                      .join('; ')}.`}
              </p>
              {timeline.createdBy ? (
                <p data-testid="person-created-by">
                  Created {formatDateTime(timeline.createdBy.at)} by{' '}
                  {timeline.createdBy.sync
                    ? `sync ${timeline.createdBy.sync.name ?? '(deleted)'}`
                    : `API key ${timeline.createdBy.apiKeyName ?? '(unknown)'}`}
                  .
                </p>
              ) : null}
              {Object.keys(lead.fields ?? {}).length > 0 ? (
                <p className="small">
                  {Object.entries(lead.fields)
                    .filter(([, v]) => v !== null && v !== '')
                    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(' · ')}
                </p>
              ) : null}
            </>
          ) : (
            <p data-testid="person-no-lead">
              No lead has this address in your organization
              {timeline.events.totalCount > 0
                ? '; below is what the syncs did with it.'
                : ', and no sync has met it.'}
            </p>
          )}
        </section>
      ) : null}
      {timeline ? (
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">
            Timeline{' '}
            <span className="muted small">
              ({formatNumber(timeline.events.totalCount)} events, newest first)
            </span>
          </h2>
          <ol className="timeline" data-testid="timeline">
            {rows.map(({ cursor, node }) => (
              <li key={cursor} data-testid="timeline-event">
                <time dateTime={node.at}>{formatWhen(node.at)}</time> — <Actor event={node} />:{' '}
                {eventWhat(node)}
              </li>
            ))}
          </ol>
          {timeline.historyPrunedBefore ? (
            <p className="muted" data-testid="timeline-pruned">
              Run history before {formatDateTime(timeline.historyPrunedBefore)} was pruned (the runs' totals
              are kept).
            </p>
          ) : null}
          <ShowMore pageInfo={timeline.events.pageInfo} fetching={fetching} setCursors={setCursors} />
        </section>
      ) : null}
    </div>
  );
}

/** The actor, linked to the run when it was a run. */
function Actor({ event }: { event: TimelineEvent }) {
  const words = eventActor(event);
  if (event.runId && event.sync) {
    return (
      <a href={href({ name: 'sync', id: event.sync.id, runId: event.runId })} data-testid="timeline-run-link">
        {words}
      </a>
    );
  }
  return <>{words}</>;
}
