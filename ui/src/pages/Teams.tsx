import type { ReactNode } from 'react';

export function Teams(): ReactNode {
  return <p>Coming soon.</p>;
}
