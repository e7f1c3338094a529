import { useEffect, useState, type MouseEvent } from 'react';

/** The console's pages, as paths under /ui (the gateway answers every /ui/* path with the app). */
export const BASE = '/ui';

export function currentPage(): string {
  const path = window.location.pathname;
  return path.startsWith(`${BASE}/`) ? path.slice(BASE.length + 1).split('/')[0]! : '';
}

export function navigate(page: string): void {
  window.history.pushState(null, '', `${BASE}/${page}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The page the URL names; follows links and the back button. */
export function usePage(): string {
  const [page, setPage] = useState(currentPage);
  useEffect(() => {
    const onPop = () => setPage(currentPage());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return page;
}

/** An <a> click that stays in the app (plain clicks only; modified clicks open a new tab). */
export function followLink(e: MouseEvent<HTMLAnchorElement>, page: string): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(page);
}
