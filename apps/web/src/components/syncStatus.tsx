import type { SyncStatus } from '../api/types.ts';
import { describeInactiveReason } from '../lib/reasons.ts';
import { Badge, type Tone } from './ui.tsx';

const tones: Record<SyncStatus, Tone> = { ACTIVE: 'good', INACTIVE: 'warn', DRAFT: 'neutral' };
const words: Record<SyncStatus, string> = { ACTIVE: 'Active', INACTIVE: 'Inactive', DRAFT: 'Draft' };

export function SyncStatusBadge({ status, reason }: { status: SyncStatus; reason: string | null }) {
  return (
    <span className="status-with-reason">
      <Badge tone={tones[status]} testId="sync-status">
        {words[status]}
      </Badge>
      {status === 'INACTIVE' && reason ? (
        <span className="reason" data-testid="sync-inactive-reason">
          {describeInactiveReason(reason)}
        </span>
      ) : null}
    </span>
  );
}
