import { useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import { syncDraftQuery } from '../api/operations.ts';
import { ErrorBanner, Loading, SyncNotFound } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import type { SavedDraft } from './state.ts';
import { Wizard } from './Wizard.tsx';

/** The wizard for a new sync, or (with `draftId`) for a saved draft, reopened at the step where it was left. */
export function NewSyncWizard({ draftId }: { draftId?: string } = {}) {
  const caps = useCapabilities();
  const [saved] = useQuery<{ sync: SavedDraft | null }>({
    query: syncDraftQuery(caps),
    variables: { id: draftId ?? '' },
    pause: !draftId,
    requestPolicy: 'network-only',
  });
  if (!draftId) return <Wizard draft={null} />;
  if (saved.fetching || (!saved.data && !saved.error)) return <Loading what="the draft" />;
  if (saved.error) return <ErrorBanner message={errorMessage(saved.error)} />;
  const sync = saved.data?.sync;
  if (!sync) {
    return <SyncNotFound title="Draft not found" />;
  }
  if (sync.status !== 'DRAFT') {
    return (
      <div>
        <h1>{sync.name}</h1>
        <p>
          This sync is already initiated.{' '}
          <a href={href({ name: 'sync', id: sync.id, runId: null })}>Open it</a>
        </p>
      </div>
    );
  }
  return <Wizard draft={sync} />;
}
