import { useState } from 'react';
import { useMutation } from 'urql';
import { useCapabilities } from '../../api/capabilities.ts';
import { errorMessage } from '../../api/errors.ts';
import { CreateMailingListMutation } from '../../api/operations.ts';
import type { MailingList } from '../../api/types.ts';
import { Field, Notice } from '../../components/ui.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';
import { CriteriaBuilder } from '../CriteriaBuilder.tsx';
import type { Errors, WizardState } from '../state.ts';
import type { WizardSources } from '../useWizardSources.ts';

const newListValue = '__new__';
const newConnectionValue = '__new__';

interface Props {
  state: WizardState;
  set: (patch: Partial<WizardState>) => void;
  errors: Errors;
  setErrors: (update: (errors: Errors) => Errors) => void;
  sources: WizardSources;
}

/**
 * Step 1: the description, the connection (or a new one), the source organization, all leads or criteria, and the
 * mailing list (or a new one).
 */
export function DetailsStep({ state, set, errors, setErrors, sources }: Props) {
  const {
    connections,
    connectors,
    connection,
    connector,
    organizations,
    organizationsLoading,
    organizationsError,
    fields,
    lists,
    refetchConnections,
    refetchLists,
  } = sources;
  const _caps = useCapabilities();
  const [addingConnection, setAddingConnection] = useState(false);
  const [newListName, setNewListName] = useState('');
  const [creatingList, setCreatingList] = useState(false);
  const [createListState, createList] = useMutation<{ createMailingList: MailingList }>(
    CreateMailingListMutation,
  );

  async function addList() {
    const name = newListName.trim();
    if (!name) {
      setErrors((e) => ({ ...e, mailingListId: 'Name the new list.' }));
      return;
    }
    const result = await createList({ name });
    const list = result.data?.createMailingList;
    if (list) {
      set({ mailingListId: list.id });
      setNewListName('');
      setCreatingList(false);
      setErrors(({ mailingListId: _, ...rest }) => rest);
      refetchLists();
    } else {
      setErrors((e) => ({ ...e, mailingListId: errorMessage(result.error) ?? 'Could not create the list.' }));
    }
  }

  return (
    <div className="step-details">
      <Field label="Sync description" error={errors.name} hint="Shown in the list of syncs.">
        {(p) => (
          <input
            {...p}
            value={state.name}
            placeholder="Zoho customers to Newsletter"
            onChange={(e) => set({ name: e.target.value })}
            data-testid="sync-name"
          />
        )}
      </Field>
      <Field label="Connection" error={errors.connectionId}>
        {(p) => (
          <select
            {...p}
            value={addingConnection ? newConnectionValue : state.connectionId}
            onChange={(e) => {
              if (e.target.value === newConnectionValue) {
                setAddingConnection(true);
                return;
              }
              setAddingConnection(false);
              set({ connectionId: e.target.value, sourceOrganizationId: '' });
            }}
            data-testid="connection-select"
          >
            <option value="">Choose a connection…</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({connectors.find((k) => k.id === c.connector)?.displayName ?? c.connector})
                {c.status === 'NEEDS_NEW_KEY' ? ' — needs a new key' : ''}
              </option>
            ))}
            <option value={newConnectionValue}>+ Add a connection…</option>
          </select>
        )}
      </Field>
      {addingConnection ? (
        <ConnectionForm
          connectors={connectors}
          onCancel={() => setAddingConnection(false)}
          onCreated={(c) => {
            setAddingConnection(false);
            refetchConnections();
            set({ connectionId: c.id, sourceOrganizationId: '' });
            setErrors(({ connectionId: _, ...rest }) => rest);
          }}
        />
      ) : null}
      {connection?.status === 'NEEDS_NEW_KEY' ? (
        <Notice>This connection needs a new key (Settings → Update key) before its syncs can run.</Notice>
      ) : null}
      {state.connectionId ? (
        <Field label="Source organization" error={errors.sourceOrganizationId ?? organizationsError}>
          {(p) => (
            <select
              {...p}
              value={state.sourceOrganizationId}
              onChange={(e) => set({ sourceOrganizationId: e.target.value })}
              disabled={organizationsLoading}
              data-testid="source-organization"
            >
              <option value="">{organizationsLoading ? 'Loading…' : 'Choose an organization…'}</option>
              {organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <fieldset className="radios" data-testid="import-mode">
        <legend>Which leads</legend>
        <label>
          <input
            type="radio"
            name="importMode"
            checked={state.importMode === 'ALL'}
            onChange={() => set({ importMode: 'ALL' })}
            data-testid="import-mode-all"
          />{' '}
          All leads
        </label>
        <label>
          <input
            type="radio"
            name="importMode"
            checked={state.importMode === 'CRITERIA'}
            onChange={() => set({ importMode: 'CRITERIA' })}
            data-testid="import-mode-criteria"
          />{' '}
          Only leads that match criteria
        </label>
        <p className="hint">
          This choice is fixed once the sync is created (the criteria themselves can change).
        </p>
        {connector?.activeOnlyReads ? (
          <label>
            <input
              type="checkbox"
              checked={state.activeRecordsOnly}
              onChange={(e) => set({ activeRecordsOnly: e.target.checked })}
              data-testid="active-records-only"
            />{' '}
            Active {connector.displayName} records only (by default inactive ones are imported too)
          </label>
        ) : null}
      </fieldset>
      {state.importMode === 'CRITERIA' ? (
        <>
          {!state.connectionId ? <p className="hint">Choose a connection to see its fields.</p> : null}
          <CriteriaBuilder
            group={state.criteria}
            fields={fields}
            onChange={(criteria) => set({ criteria })}
          />
          {errors.criteria ? (
            <p className="field-error" role="alert" data-testid="error-criteria">
              {errors.criteria}
            </p>
          ) : null}
        </>
      ) : null}
      <Field label="Mailing list" error={errors.mailingListId}>
        {(p) => (
          <select
            {...p}
            value={creatingList ? newListValue : state.mailingListId}
            onChange={(e) => {
              const creating = e.target.value === newListValue;
              setCreatingList(creating);
              set({ mailingListId: creating ? '' : e.target.value });
            }}
            data-testid="mailing-list-select"
          >
            <option value="">Choose a mailing list…</option>
            {lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({l.leadCount} leads)
              </option>
            ))}
            <option value={newListValue}>+ Create a new list…</option>
          </select>
        )}
      </Field>
      {creatingList ? (
        <div className="row wrap subform">
          <Field label="Name of the new list">
            {(p) => (
              <input
                {...p}
                value={newListName}
                onChange={(e) => setNewListName(e.target.value)}
                data-testid="new-list-name"
              />
            )}
          </Field>
          <button
            type="button"
            onClick={addList}
            disabled={createListState.fetching}
            data-testid="create-list"
          >
            Create list
          </button>
        </div>
      ) : null}
    </div>
  );
}
