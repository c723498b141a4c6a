import { useEffect, useRef } from 'react';

/**
 * Calls `tick` every `intervalMs` while `active`.
 *
 * Why polling and not a subscription: the GraphQL contract has no Subscription type, a run lasts
 * seconds to minutes, and one small query every 1.5 s costs nothing next to the run itself. Polling
 * also works through any proxy (no websocket upgrade) and stops by itself when the page is left.
 */
export function usePolling(active: boolean, tick: () => void, intervalMs = 1500): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => latest.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
}
