import { useState } from 'react';
import { readStoredKey } from '../../api/client.ts';

/** The run's records as CSV (`/runs/<id>/records.csv`), fetched with the key and saved. */
export function DownloadReport({ runId }: { runId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/runs/${encodeURIComponent(runId)}/records.csv`, {
        headers: { authorization: `Bearer ${readStoredKey() ?? ''}` },
      });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `run-${runId}-records.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(`Could not download the report: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={download}
        disabled={busy}
        data-testid="download-report"
      >
        {busy ? 'Downloading…' : 'Download report (CSV)'}
      </button>
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
