import { useEffect, useRef, useState, type ReactNode } from 'react';
import { currentCredential, setCredential } from './api';
import { ErrorNote } from './components';
import { asError } from './hooks';
import { followLink, usePage } from './router';
import { signInWith, type Session } from './session';
import { SignIn } from './pages/SignIn';
import { Overview } from './pages/Overview';
import { Teams } from './pages/Teams';
import { Keys } from './pages/Keys';
import { Models } from './pages/Models';
import { UsageLogs } from './pages/UsageLogs';
import { VideoTasks } from './pages/VideoTasks';
import { AuditLog } from './pages/AuditLog';

interface PageEntry {
  path: string;
  title: string;
  adminOnly: boolean;
  render: (s: Session) => ReactNode;
}

const PAGES: PageEntry[] = [
  { path: 'overview', title: 'Overview', adminOnly: false, render: (s) => <Overview session={s} /> },
  { path: 'teams', title: 'Teams', adminOnly: true, render: () => <Teams /> },
  { path: 'keys', title: 'Keys', adminOnly: false, render: (s) => <Keys session={s} /> },
  { path: 'models', title: 'Models', adminOnly: true, render: () => <Models /> },
  { path: 'usage', title: 'Usage logs', adminOnly: false, render: (s) => <UsageLogs session={s} /> },
  { path: 'video', title: 'Video tasks', adminOnly: false, render: (s) => <VideoTasks session={s} /> },
  { path: 'audit', title: 'Audit log', adminOnly: true, render: () => <AuditLog /> },
];

export function App(): ReactNode {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(currentCredential() !== null);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const page = usePage();
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(page);
  // Keyboard and screen-reader users land on the new page's heading, not back at the top of the nav.
  useEffect(() => {
    if (shown.current !== page) heading.current?.focus();
    shown.current = page;
  }, [page]);

  useEffect(() => {
    const saved = currentCredential();
    if (!saved) return;
    signInWith(saved)
      .then(setSession, (e: unknown) => {
        setCredential(null);
        setRestoreError(asError(e).message);
      })
      .finally(() => setRestoring(false));
  }, []);

  if (restoring)
    return (
      <p className="loading" role="status">
        Signing in…
      </p>
    );
  if (!session)
    return (
      <>
        <ErrorNote message={restoreError} />
        <SignIn
          onSignedIn={(credential, s) => {
            setCredential(credential);
            setSession(s);
          }}
        />
      </>
    );

  const visible = PAGES.filter((p) => session.isAdmin || !p.adminOnly);
  const current = visible.find((p) => p.path === page) ?? visible[0]!;
  const signOut = () => {
    setCredential(null);
    setSession(null);
  };
  return (
    <div className="shell">
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="top">
        <strong>Switchboard</strong>
        <nav aria-label="Pages">
          {visible.map((p) => (
            <a
              key={p.path}
              href={`/ui/${p.path}`}
              aria-current={p === current ? 'page' : undefined}
              onClick={(e) => followLink(e, p.path)}
            >
              {p.title}
            </a>
          ))}
        </nav>
        <span className="who" data-role={session.me.role}>
          {session.me.name ?? 'key'} · {session.me.role}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        <h1 ref={heading} tabIndex={-1}>
          {current.title}
        </h1>
        {current.render(session)}
      </main>
    </div>
  );
}
