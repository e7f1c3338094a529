import type { ReactNode } from 'react';

export function AuditLog(): ReactNode {
  return <p>Coming soon.</p>;
}
