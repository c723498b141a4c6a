import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../api/errors.ts';
import {
  DeleteLeadsMutation,
  LeadsQuery,
  MailingListsQuery,
  MarkBouncedMutation,
  MarkDoNotMailMutation,
} from '../api/operations.ts';
import type { Connection_, Lead, LeadStatus, MailingList } from '../api/types.ts';
import { Table } from '../components/Table.tsx';
import { Badge, ErrorBanner, Notice, ShowMore, type Tone } from '../components/ui.tsx';
import { formatNumber } from '../lib/format.ts';
import { href, navigate } from '../lib/router.ts';

const statusTones: Record<LeadStatus, Tone> = {
  ACTIVE: 'good',
  DELETED: 'neutral',
  BOUNCED: 'bad',
  DO_NOT_MAIL: 'warn',
};
const statusWords: Record<LeadStatus, string> = {
  ACTIVE: 'Active',
  DELETED: 'Deleted',
  BOUNCED: 'Bounced',
  DO_NOT_MAIL: 'Do not mail',
};

export function LeadStatusBadge({ status }: { status: LeadStatus }) {
  return (
    <Badge tone={statusTones[status]} testId="lead-status">
      {statusWords[status]}
    </Badge>
  );
}

/** "Why is this person (not) on my list?": opens the person's page for any address, a lead or not. */
export function PersonSearch({ initial = '' }: { initial?: string }) {
  const [email, setEmail] = useState(initial);
  return (
    <form
      className="row wrap filters"
      aria-label="Find a person"
      onSubmit={(e) => {
        e.preventDefault();
        const wanted = email.trim();
        if (wanted) navigate({ name: 'person', email: wanted });
      }}
    >
      <label>
        Find a person{' '}
        <input
          type="search"
          value={email}
          maxLength={320}
          placeholder="any email address"
          onChange={(e) => setEmail(e.target.value)}
          data-testid="person-search"
        />
      </label>
      <button type="submit" className="secondary small" data-testid="person-search-go">
        Show their story
      </button>
    </form>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setCurrent(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return current;
}

const pageSize = 50;

export function LeadsPage({ mailingListId }: { mailingListId: string | null }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<LeadStatus | ''>('');
  const debounced = useDebounced(search.trim(), 300);
  const [cursors, setCursors] = useState<string[]>(['']);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pages, setPages] = useState<Record<string, Lead[]>>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts from the first page
  useEffect(() => {
    setCursors(['']);
    setPages({});
    setSelected(new Set());
  }, [mailingListId, status, debounced]);
  const [listsResult] = useQuery<{ mailingLists: MailingList[] }>({
    query: MailingListsQuery,
    requestPolicy: 'cache-and-network',
  });
  const after = cursors[cursors.length - 1] ?? '';
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [bouncedState, markBounced] = useMutation<{ markBounced: number }>(MarkBouncedMutation);
  const [doNotMailState, markDoNotMail] = useMutation<{ markDoNotMail: number }>(MarkDoNotMailMutation);
  const [deleteState, deleteLeads] = useMutation<{ deleteLeads: number }>(DeleteLeadsMutation);
  const acting = bouncedState.fetching || doNotMailState.fetching || deleteState.fetching;
  const [{ data, fetching, error, operation }, reexecute] = useQuery<{ leads: Connection_<Lead> }>({
    query: LeadsQuery,
    variables: {
      mailingListId,
      status: status || null,
      search: debounced || null,
      first: pageSize,
      after: after || null,
    },
    requestPolicy: 'cache-and-network',
  });
  const page = data?.leads;
  const pageCursor = (operation?.variables as { after?: string | null } | undefined)?.after ?? '';
  useEffect(() => {
    if (page) setPages((old) => ({ ...old, [pageCursor]: page.edges.map((e) => e.node) }));
  }, [page, pageCursor]);
  const rows = cursors.flatMap((c) => pages[c] ?? []);
  const lists = listsResult.data?.mailingLists ?? [];

  async function act(kind: 'bounced' | 'doNotMail' | 'delete') {
    const emails = [...selected];
    setNotice(null);
    setActionError(null);
    const result =
      kind === 'bounced'
        ? await markBounced({ emails })
        : kind === 'doNotMail'
          ? await markDoNotMail({ emails })
          : await deleteLeads({ emails });
    if (result.error) {
      setActionError(errorMessage(result.error));
      return;
    }
    const data = result.data as Record<string, number> | undefined;
    const changed = data ? (Object.values(data)[0] ?? 0) : 0;
    const words = { bounced: 'marked bounced', doNotMail: 'marked do-not-mail', delete: 'deleted' }[kind];
    setNotice(`${changed} ${changed === 1 ? 'lead' : 'leads'} ${words}.`);
    setSelected(new Set());
    setCursors(['']);
    setPages({});
    reexecute({ requestPolicy: 'network-only' });
  }

  const toggle = (email: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(email)) next.delete(email);
      else next.add(email);
      return next;
    });
  return (
    <div data-testid="leads-page">
      <h1>Leads</h1>
      <PersonSearch />
      <div className="row wrap filters">
        <label>
          Mailing list{' '}
          <select
            value={mailingListId ?? ''}
            onChange={(e) => navigate({ name: 'leads', mailingListId: e.target.value || null })}
            data-testid="leads-list"
          >
            <option value="">All lists</option>
            {lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({formatNumber(l.leadCount)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as LeadStatus | '')}
            data-testid="leads-status"
          >
            <option value="">Any status</option>
            {(Object.keys(statusWords) as LeadStatus[]).map((s) => (
              <option key={s} value={s}>
                {statusWords[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{' '}
          <input
            type="search"
            value={search}
            placeholder="email or name"
            onChange={(e) => setSearch(e.target.value)}
            data-testid="leads-search"
          />
        </label>
        {page ? (
          <span className="muted" data-testid="leads-count">
            {formatNumber(page.totalCount)} leads
          </span>
        ) : null}
      </div>
      <ErrorBanner message={errorMessage(error) ?? actionError} />
      {notice ? <Notice testId="leads-notice">{notice}</Notice> : null}
      {selected.size > 0 ? (
        <div className="row wrap actions" data-testid="lead-actions">
          <span>{selected.size} selected:</span>
          <button type="button" className="secondary small" disabled={acting} onClick={() => act('bounced')}>
            Mark bounced
          </button>
          <button
            type="button"
            className="secondary small"
            disabled={acting}
            onClick={() => act('doNotMail')}
          >
            Mark do not mail
          </button>
          <button type="button" className="danger small" disabled={acting} onClick={() => act('delete')}>
            Delete
          </button>
          <button type="button" className="link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      ) : null}
      <Table
        caption="Leads"
        columns={[
          <span key="select" className="visually-hidden">
            Select
          </span>,
          'Email',
          'First name',
          'Last name',
          'Status',
          'Other fields',
        ]}
        testId="leads-table"
        empty={
          rows.length === 0 && !fetching
            ? `No leads${debounced || status ? ' match this filter' : ' yet'}.`
            : null
        }
      >
        {rows.map((lead) => (
          <tr key={lead.id} data-testid="lead-row">
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${lead.email}`}
                checked={selected.has(lead.email)}
                onChange={() => toggle(lead.email)}
              />
            </td>
            <td className="email">
              <a href={href({ name: 'person', email: lead.email })}>{lead.email}</a>
            </td>
            <td>{lead.firstName ?? ''}</td>
            <td>{lead.lastName ?? ''}</td>
            <td>
              <LeadStatusBadge status={lead.status} />
            </td>
            <td className="small">
              {Object.entries(lead.fields ?? {})
                .filter(([, v]) => v !== null && v !== '')
                .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                .join(' · ')}
            </td>
          </tr>
        ))}
      </Table>
      <ShowMore pageInfo={page?.pageInfo} fetching={fetching} setCursors={setCursors} />
    </div>
  );
}
