import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Async } from './hooks';
import { localTime, utcTime } from './format';

/** Loading, error and loaded states of an API read: every page shows all three. */
export function Loaded<T>({
  state,
  children,
}: {
  state: Async<T>;
  children: (data: T) => ReactNode;
}): ReactNode {
  if (state.status === 'loading')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (state.status === 'error') return <ErrorNote message={state.error.message} />;
  return children(state.data);
}

export function ErrorNote({ message }: { message: string | null }): ReactNode {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <p className="empty">{children}</p>;
}

/** A time in the viewer's zone; UTC on hover. */
export function Time({
  iso,
  fallback = '—',
}: {
  iso: string | null | undefined;
  fallback?: string;
}): ReactNode {
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={utcTime(iso)}>
      {localTime(iso)}
    </time>
  );
}

/** USD exactly as the API wrote it. */
export function Money({ value }: { value: string | null | undefined }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <span className="money">${value}</span>;
}

export function Field({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes). */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose}>
      <header>
        <h2>{title}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** Previous/next for cursor pages. */
export function Pager({
  hasPrevious,
  nextCursor,
  onPrevious,
  onNext,
}: {
  hasPrevious: boolean;
  nextCursor: string | null;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}): ReactNode {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        ← Previous
      </button>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        Next →
      </button>
    </nav>
  );
}

/**
 * A secret shown once (a new or rotated key), with a copy button. Without the clipboard API (plain HTTP
 * on a host other than localhost) the button selects the text for Ctrl+C instead.
 */
export function Secret({ label, value }: { label: string; value: string }): ReactNode {
  const [note, setNote] = useState('Copy');
  const code = useRef<HTMLElement>(null);
  const select = () => {
    if (code.current) window.getSelection()?.selectAllChildren(code.current);
    setNote('Selected: press Ctrl+C');
  };
  const copy = () => {
    if (!navigator.clipboard) return select();
    navigator.clipboard.writeText(value).then(() => setNote('Copied'), select);
  };
  return (
    <div className="secret">
      <span>{label}</span>
      <code ref={code} data-secret={label}>
        {value}
      </code>
      <button type="button" onClick={copy}>
        {note}
      </button>
    </div>
  );
}

/** Key/value rows of a record (the detail views); `…_at` times in the viewer's zone, UTC on hover. */
export function Details({ record }: { record: Record<string, unknown> }): ReactNode {
  return (
    <dl className="details">
      {Object.entries(record).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{detailValue(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function detailValue(name: string, v: unknown): ReactNode {
  if (typeof v === 'object' && v !== null) return <pre>{JSON.stringify(v, null, 2)}</pre>;
  if (name.endsWith('_at') && (typeof v === 'string' || v === null)) return <Time iso={v} />;
  return String(v);
}

/**
 * Enter or Space on a focusable row opens it. The key's default is cancelled: otherwise its keypress
 * would click the button the opened dialog focuses (its Close button) and shut it at once.
 */
export function activateOnKey(e: KeyboardEvent, open: () => void): void {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  open();
}
