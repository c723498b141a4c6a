import type { Dispatch, ReactNode, SetStateAction } from 'react';
import { useId } from 'react';
import { href } from '../lib/router.ts';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function ErrorBanner({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId ?? 'error-banner'}>
      {message}
    </div>
  );
}

export function Warning({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="banner banner-warning" role="alert" data-testid={testId}>
      {children}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="banner banner-info" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

/** The page of a sync (or a draft) that the API does not have: a way back to the list. */
export function SyncNotFound({ title }: { title: string }) {
  return (
    <div>
      <h1>{title}</h1>
      <p>
        It may have been deleted. <a href={href({ name: 'syncs' })}>Back to the syncs</a>
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

interface FormActionsProps {
  label: string;
  /** Shown on the button while `busy` (the label otherwise). */
  busyLabel?: string;
  busy: boolean;
  testId: string;
  /** A button outside a form's submit: what it does (without it, the button submits the form). */
  onSubmit?: () => void;
  onCancel: () => void;
}

/** A form's last row: the button that saves (disabled while busy) and Cancel. */
export function FormActions({ label, busyLabel, busy, testId, onSubmit, onCancel }: FormActionsProps) {
  return (
    <div className="row">
      <button type={onSubmit ? 'button' : 'submit'} onClick={onSubmit} disabled={busy} data-testid={testId}>
        {busy && busyLabel ? busyLabel : label}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

interface FieldProps {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
  testId?: string;
}

/** A labelled form control with its hint and its inline error, wired for screen readers. */
export function Field({ label, hint, error, children, testId }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * "Show more" under a cursor-paged list: asks for the page after `pageInfo.endCursor` by adding it to the cursors
 * already shown (once). Nothing when there is no next page.
 */
export function ShowMore({
  pageInfo,
  fetching,
  setCursors,
  testId,
}: {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  fetching: boolean;
  setCursors: Dispatch<SetStateAction<string[]>>;
  testId?: string;
}) {
  if (!pageInfo?.hasNextPage) return null;
  return (
    <button
      type="button"
      className="secondary"
      disabled={fetching}
      onClick={() => {
        const next = pageInfo.endCursor;
        if (next) setCursors((old) => (old.includes(next) ? old : [...old, next]));
      }}
      data-testid={testId}
    >
      Show more
    </button>
  );
}
