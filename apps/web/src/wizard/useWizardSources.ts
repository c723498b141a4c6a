import { type Dispatch, type SetStateAction, useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import {
  connectionsQuery,
  MailingListsQuery,
  SourceOrganizationsQuery,
  sourceFieldsQuery,
  sourceFieldsVariables,
} from '../api/operations.ts';
import type { Connection, Connector, MailingList, SourceField, SourceOrganization } from '../api/types.ts';
import { earliestRetrievalDate } from '../lib/format.ts';
import { premap, type WizardState } from './state.ts';

/**
 * What the wizard reads from the API for its answers: connections and connectors, mailing lists, the chosen
 * connection's source organizations and fields. It also fills in what follows from them: the only organization,
 * the pre-mapped email and names, and the earliest retrieval day of a source with a look-back limit.
 */
export function useWizardSources(state: WizardState, setState: Dispatch<SetStateAction<WizardState>>) {
  const caps = useCapabilities();
  const [connectionsResult, refetchConnections] = useQuery<{
    connections: Connection[];
    connectors: Connector[];
  }>({
    query: connectionsQuery(caps),
  });
  const [listsResult, refetchLists] = useQuery<{ mailingLists: MailingList[] }>({ query: MailingListsQuery });
  const [orgsResult] = useQuery<{ sourceOrganizations: SourceOrganization[] }>({
    query: SourceOrganizationsQuery,
    variables: { connectionId: state.connectionId },
    pause: !state.connectionId,
  });
  const [fieldsResult] = useQuery<{ sourceFields: SourceField[] }>({
    query: sourceFieldsQuery(caps),
    variables: sourceFieldsVariables(caps, state.connectionId, state.sourceOrganizationId || null),
    pause: !state.connectionId,
  });

  const connections = connectionsResult.data?.connections ?? [];
  const connectors = connectionsResult.data?.connectors ?? [];
  const lists = listsResult.data?.mailingLists ?? [];
  const organizations = state.connectionId ? (orgsResult.data?.sourceOrganizations ?? []) : [];
  const fields = state.connectionId ? (fieldsResult.data?.sourceFields ?? []) : [];
  const connection = connections.find((c) => c.id === state.connectionId);
  const connector = connectors.find((c) => c.id === connection?.connector);
  const maxLookbackDays = connector?.maxLookbackDays ?? null;
  // The look-back is measured from the sync's creation once it exists, as the API measures it.
  const windowStart = useMemo(
    () => (state.createdAt ? new Date(state.createdAt) : new Date()),
    [state.createdAt],
  );

  // The only source organization is chosen for the user (a CSV file has exactly one).
  useEffect(() => {
    const only = orgsResult.data?.sourceOrganizations;
    if (only && only.length === 1 && only[0]) {
      const id = only[0].id;
      setState((s) => (s.sourceOrganizationId ? s : { ...s, sourceOrganizationId: id }));
    }
  }, [orgsResult.data, setState]);

  // Email, first and last name are pre-mapped once the source's fields are known.
  useEffect(() => {
    const known = fieldsResult.data?.sourceFields;
    if (known) setState((s) => ({ ...s, mapping: premap(s.mapping, known) }));
  }, [fieldsResult.data, setState]);

  // A source with a look-back limit reads from the earliest day it allows unless told otherwise (DESIGN.md §3);
  // "everything" exists only for a source without one.
  useEffect(() => {
    if (maxLookbackDays === null) return;
    setState((s) =>
      s.retrieveFrom ? s : { ...s, retrieveFrom: earliestRetrievalDate(maxLookbackDays, windowStart) },
    );
  }, [maxLookbackDays, windowStart, setState]);

  return {
    /** The first read of the connections is under way (nothing to show yet). */
    loading: connectionsResult.fetching && !connectionsResult.data,
    connectionsError: connectionsResult.error ? errorMessage(connectionsResult.error) : null,
    organizationsLoading: orgsResult.fetching,
    organizationsError: orgsResult.error ? errorMessage(orgsResult.error) : null,
    fieldsError: fieldsResult.error ? errorMessage(fieldsResult.error) : null,
    /** Asks the API again (after a connection or a list was added). */
    refetchConnections: () => refetchConnections({ requestPolicy: 'network-only' }),
    refetchLists: () => refetchLists({ requestPolicy: 'network-only' }),
    connections,
    connectors,
    lists,
    organizations,
    fields,
    connection,
    connector,
    maxLookbackDays,
    windowStart,
  };
}

/** What the wizard's steps know of the API's answers. */
export type WizardSources = ReturnType<typeof useWizardSources>;
