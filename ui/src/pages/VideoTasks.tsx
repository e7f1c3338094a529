import type { ReactNode } from 'react';

export function VideoTasks(): ReactNode {
  return <p>Coming soon.</p>;
}
