import type { ReactNode } from 'react';

export function Models(): ReactNode {
  return <p>Coming soon.</p>;
}
