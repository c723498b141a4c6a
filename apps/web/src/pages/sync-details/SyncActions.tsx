import { useMutation } from 'urql';
import { useCapabilities } from '../../api/capabilities.ts';
import type { errorMessage } from '../../api/errors.ts';
import {
  ActivateSyncMutation,
  ConfirmSyncDeletionsMutation,
  DeactivateSyncMutation,
  DeleteSyncMutation,
  InitiateSyncMutation,
  previewSyncMutation,
  runSyncNowMutation,
  UpdateSyncPolicyMutation,
  undoSyncRunMutation,
} from '../../api/operations.ts';
import type { SyncDetail, SyncRunSummary } from '../../api/types.ts';
import { describeUndo } from '../../components/RunReport.tsx';
import { Notice, Warning } from '../../components/ui.tsx';
import { href, navigate } from '../../lib/router.ts';

export type Panel = 'none' | 'mapping' | 'retrieval' | 'delete';

/** Runs a mutation, shows its error or `done`, and refreshes the page (the page's own `act`). */
export type Act = (
  run: () => Promise<{ error?: Parameters<typeof errorMessage>[0]; data?: unknown }>,
  done?: string,
) => Promise<{ error?: unknown; data?: unknown }>;

interface Props {
  sync: SyncDetail;
  /** A run of the sync is queued or running. */
  moving: boolean;
  /** The latest real run that an undo would reverse. */
  lastReal: SyncRunSummary | undefined;
  panel: Panel;
  setPanel: (panel: Panel) => void;
  act: Act;
  setNotice: (notice: string | null) => void;
}

/** What a person can do with a sync: run, preview, edit, initiate or (de)activate, undo, delete; the update policy and the mass-deletion guard. */
export function SyncActions({ sync, moving, lastReal, panel, setPanel, act, setNotice }: Props) {
  const caps = useCapabilities();
  const id = sync.id;
  const [runNowState, runSyncNow] = useMutation<{ runSyncNow: SyncRunSummary }>(runSyncNowMutation(caps));
  const [previewState, previewSync] = useMutation<{ previewSync: SyncRunSummary }>(previewSyncMutation(caps));
  const [undoState, undoSyncRun] = useMutation<{ undoSyncRun: SyncRunSummary }>(undoSyncRunMutation(caps));
  const [activateState, activateSync] = useMutation(ActivateSyncMutation);
  const [deactivateState, deactivateSync] = useMutation(DeactivateSyncMutation);
  const [initiateState, initiateSync] = useMutation(InitiateSyncMutation);
  const [deleteState, deleteSync] = useMutation(DeleteSyncMutation);
  const [policyState, updatePolicy] = useMutation(UpdateSyncPolicyMutation);
  const [confirmState, confirmDeletions] = useMutation(ConfirmSyncDeletionsMutation);

  const busy =
    runNowState.fetching ||
    previewState.fetching ||
    undoState.fetching ||
    activateState.fetching ||
    deactivateState.fetching ||
    initiateState.fetching ||
    deleteState.fetching ||
    confirmState.fetching;

  async function runNow() {
    const result = await act(() => runSyncNow({ id }));
    const run = (result.data as { runSyncNow?: SyncRunSummary } | undefined)?.runSyncNow;
    if (run) navigate({ name: 'sync', id, runId: run.id });
  }

  async function preview() {
    const result = await act(() => previewSync({ id }));
    const run = (result.data as { previewSync?: SyncRunSummary } | undefined)?.previewSync;
    if (run) navigate({ name: 'sync', id, runId: run.id });
  }

  return (
    <>
      <div className="row wrap actions">
        <button type="button" onClick={runNow} disabled={busy || moving} data-testid="run-now">
          {runNowState.fetching ? 'Starting…' : 'Run now'}
        </button>
        {caps.preview ? (
          <button type="button" className="secondary" onClick={preview} disabled={busy} data-testid="preview">
            Preview
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'mapping'}
          onClick={() => setPanel(panel === 'mapping' ? 'none' : 'mapping')}
          data-testid="edit-mapping"
        >
          Edit mapping
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'retrieval'}
          onClick={() => setPanel(panel === 'retrieval' ? 'none' : 'retrieval')}
          data-testid="edit-retrieval"
        >
          Edit retrieval details
        </button>
        {sync.status === 'DRAFT' && caps.drafts ? (
          <a
            className="button secondary"
            href={href({ name: 'continue-sync', id })}
            data-testid="continue-setup"
          >
            Continue setup
          </a>
        ) : null}
        {sync.status === 'DRAFT' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(
                () => initiateSync({ id }),
                'The sync is initiated: its first import starts now, then it follows its schedule.',
              )
            }
            data-testid="initiate"
          >
            Initiate
          </button>
        ) : sync.status === 'ACTIVE' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(() => deactivateSync({ id }), 'The sync is inactive: it will not run on its schedule.')
            }
            data-testid="deactivate"
          >
            Deactivate
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => act(() => activateSync({ id }), 'The sync is active again.')}
            data-testid="activate"
          >
            Activate
          </button>
        )}
        {caps.undo && lastReal ? (
          <button
            type="button"
            className="secondary"
            disabled={busy || moving}
            onClick={async () => {
              // The run's id: undo reverses that run (only the sync's latest real one is accepted).
              const result = await act(() => undoSyncRun({ id: lastReal.id }));
              const report = (result.data as { undoSyncRun?: SyncRunSummary } | undefined)?.undoSyncRun
                ?.undoReport;
              if (!result.error) {
                setNotice(
                  report
                    ? `The latest run was undone. ${describeUndo(report)}`
                    : 'The latest run was undone: the leads it added are gone and the ones it removed are back.',
                );
              }
            }}
            data-testid="undo-run"
          >
            Undo latest run
          </button>
        ) : null}
        <button
          type="button"
          className="danger"
          aria-expanded={panel === 'delete'}
          onClick={() => setPanel(panel === 'delete' ? 'none' : 'delete')}
          data-testid="delete"
        >
          Delete
        </button>
      </div>
      {caps.updatePolicy ? (
        <label className="inline-field">
          Existing leads:{' '}
          <select
            value={sync.updatePolicy ?? 'OVERWRITE'}
            disabled={policyState.fetching}
            onChange={(e) =>
              act(() => updatePolicy({ id, updatePolicy: e.target.value }), 'Update policy saved.')
            }
            data-testid="update-policy"
          >
            <option value="OVERWRITE">overwrite mapped fields</option>
            <option value="FILL_EMPTY">fill only empty fields</option>
            <option value="NEVER">never change fields (membership only)</option>
          </select>
        </label>
      ) : null}
      {caps.deletionGuard && sync.lastRun?.heldDeletions && !sync.deletionsConfirmed ? (
        <Warning testId="held-deletions">
          <p>{sync.lastRun.warning}</p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(
                () => confirmDeletions({ id }),
                'Deletions confirmed: the next run removes the records the source no longer lists.',
              )
            }
            data-testid="confirm-deletions"
          >
            Confirm {sync.lastRun.heldDeletions} deletions
          </button>
        </Warning>
      ) : null}
      {caps.deletionGuard && sync.deletionsConfirmed ? (
        <Notice testId="deletions-confirmed">
          Deletions confirmed: the next run removes the records the source no longer lists.
        </Notice>
      ) : null}
      {panel === 'delete' ? (
        <section className="card danger-zone" aria-label="Delete this sync">
          <p>
            Delete <strong>{sync.name}</strong>? Its run history goes with it. Leads already imported stay in{' '}
            {sync.mailingList.name}.
          </p>
          <div className="row">
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={async () => {
                const result = await act(() => deleteSync({ id }));
                if (!result.error) navigate({ name: 'syncs' });
              }}
              data-testid="confirm-delete"
            >
              Yes, delete
            </button>
            <button type="button" className="secondary" onClick={() => setPanel('none')}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
    </>
  );
}
