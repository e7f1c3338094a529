import type { FormEvent, ReactNode } from 'react';
import { Dialog, ErrorNote } from './components';
import { useAction } from './hooks';

/** Text inputs' values as a record, from a form submit. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

/** A form that sends its values through `onSubmit`, shows the API's error if refused, and resets on success. */
export function ActionForm({
  label,
  submitLabel,
  onSubmit,
  inline = true,
  children,
}: {
  label: string;
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  inline?: boolean;
  children: ReactNode;
}): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    void action.run(async () => {
      await onSubmit(formValues(form));
      form.reset();
    });
  };
  return (
    <form className={inline ? 'form' : undefined} aria-label={label} onSubmit={submit}>
      {children}
      <button type="submit" disabled={action.busy}>
        {submitLabel}
      </button>
      <ErrorNote message={action.error} />
    </form>
  );
}

/** An ActionForm in a modal dialog (the edit and rotate forms). */
export function FormDialog({
  title,
  submitLabel = 'Save',
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  submitLabel?: string;
  onClose: () => void;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  children: ReactNode;
}): ReactNode {
  return (
    <Dialog title={title} onClose={onClose}>
      <ActionForm label={title} submitLabel={submitLabel} onSubmit={onSubmit} inline={false}>
        {children}
      </ActionForm>
    </Dialog>
  );
}
