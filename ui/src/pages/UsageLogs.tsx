import type { ReactNode } from 'react';
import type { Session } from '../session';

export function UsageLogs({ session }: { session: Session }): ReactNode {
  return <p>Coming soon for {session.me.role}.</p>;
}
