import { useQuery } from 'urql';
import { useCapabilities } from '../../api/capabilities.ts';
import { errorMessage } from '../../api/errors.ts';
import { syncCostEstimateQuery } from '../../api/operations.ts';
import type { CostEstimate } from '../../api/types.ts';
import { WatchedRunReport } from '../../components/RunReport.tsx';
import { Badge } from '../../components/ui.tsx';
import { describeCost } from '../../lib/cost.ts';
import { describeInitiation, describeSchedule, formatDateTime } from '../../lib/format.ts';
import { buildCreateSyncInput, type WizardState } from '../state.ts';
import type { WizardSources } from '../useWizardSources.ts';

interface Props {
  state: WizardState;
  /** The saved draft (its signature changes with the answers, so the cost is counted again). */
  draft: { id: string; signature: string } | null;
  sources: WizardSources;
  busy: boolean;
  previewing: boolean;
  initiating: boolean;
  onPreview: () => void;
  onInitiate: () => void;
  previewRunId: string | null;
}

/** Step 4: the answers, what a run costs at the source, what initiating does; Preview and Initiate. */
export function ReviewStep({
  state,
  draft,
  sources: { connection, connector, organizations, lists, fields },
  busy,
  previewing,
  initiating,
  onPreview,
  onInitiate,
  previewRunId,
}: Props) {
  const caps = useCapabilities();
  const [costResult] = useQuery<{ syncCostEstimate: CostEstimate | null }>({
    query: syncCostEstimateQuery(caps),
    variables: { id: draft?.id ?? '', signature: draft?.signature ?? '' },
    pause: !caps.costEstimate || !draft,
    requestPolicy: 'network-only',
  });
  const estimate = costResult.data?.syncCostEstimate;
  return (
    <div className="step-review" data-testid="review">
      <dl className="summary">
        <dt>Description</dt>
        <dd>{state.name}</dd>
        <dt>Connection</dt>
        <dd>
          {connection?.name} <Badge tone="neutral">{connector?.displayName ?? connection?.connector}</Badge>
        </dd>
        <dt>Source organization</dt>
        <dd>
          {organizations.find((o) => o.id === state.sourceOrganizationId)?.name ?? state.sourceOrganizationId}
        </dd>
        <dt>Leads</dt>
        <dd>
          {state.importMode === 'ALL' ? 'All leads' : 'Only leads that match the criteria'}
          {connector?.activeOnlyReads && state.activeRecordsOnly ? ' (active records only)' : ''}
        </dd>
        <dt>Mailing list</dt>
        <dd>{lists.find((l) => l.id === state.mailingListId)?.name}</dd>
        <dt>Field mapping</dt>
        <dd>
          <ul className="plain">
            {state.mapping
              .filter((m) => m.source)
              .map((m) => (
                <li key={m.id}>
                  {fields.find((f) => f.key === m.source)?.label ?? m.source} → {m.target}
                </li>
              ))}
          </ul>
        </dd>
        <dt>Schedule</dt>
        <dd data-testid="review-schedule">{describeSchedule(buildCreateSyncInput(state).schedule)}</dd>
        <dt>Data to be retrieved</dt>
        <dd data-testid="review-retrieve-from">
          {state.retrieveFrom
            ? `Created or changed since ${formatDateTime(buildCreateSyncInput(state).retrieveFrom)}`
            : 'Everything'}
        </dd>
        {caps.costEstimate ? (
          <>
            <dt>Cost at the source</dt>
            <dd data-testid="review-cost">
              {estimate ? (
                <>
                  {describeCost(estimate)}
                  {estimate.note ? (
                    <details className="muted small">
                      <summary>How this was counted</summary>
                      {estimate.note}
                    </details>
                  ) : null}
                </>
              ) : costResult.fetching ? (
                'Counting…'
              ) : costResult.error ? (
                errorMessage(costResult.error)
              ) : (
                'This source cannot tell in advance.'
              )}
            </dd>
          </>
        ) : null}
      </dl>
      <p data-testid="review-first-import">
        <strong>{describeInitiation(buildCreateSyncInput(state).schedule)}</strong>
      </p>
      <div className="row wrap">
        {caps.preview ? (
          <button
            type="button"
            className="secondary"
            onClick={onPreview}
            disabled={busy}
            data-testid="preview"
          >
            {previewing ? 'Previewing…' : 'Preview'}
          </button>
        ) : null}
        <button type="button" onClick={onInitiate} disabled={busy} data-testid="initiate">
          {initiating ? 'Initiating…' : 'Initiate'}
        </button>
      </div>
      {caps.preview ? (
        <p className="hint">
          Preview reads the source and shows what a run would do, without changing any list.
        </p>
      ) : null}
      {previewRunId ? <WatchedRunReport runId={previewRunId} timeZone={state.schedule.timeZone} /> : null}
    </div>
  );
}
