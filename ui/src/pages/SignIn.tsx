import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote, Field } from '../components';
import { useAction } from '../hooks';
import { signInWith, type Session } from '../session';

/** The credential form: the master key or an `admin`/`team_admin` key, kept for this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (credential: string, s: Session) => void }): ReactNode {
  const [credential, setCredentialText] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => onSignedIn(credential.trim(), await signInWith(credential.trim())));
  };
  return (
    <main className="signin">
      <h1>Switchboard console</h1>
      <form onSubmit={submit}>
        <Field label="Admin credential">
          <input
            type="password"
            name="credential"
            autoComplete="off"
            required
            autoFocus
            value={credential}
            onChange={(e) => setCredentialText(e.target.value)}
            placeholder="master key or an admin / team_admin key"
          />
        </Field>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNote message={action.error} />
        <p className="muted">Kept in this tab only (sessionStorage); signing out forgets it.</p>
      </form>
    </main>
  );
}
