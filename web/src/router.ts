/** A small History API router: the server answers every page path with index.html. */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { createElement } from 'react';

export type Route =
  | { view: 'sessions'; sessionId?: string }
  | { view: 'messages'; messageId?: string }
  | { view: 'policy' }
  | { view: 'not-found' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { view: 'sessions' };
  if (parts[0] === 'sessions' && parts.length <= 2) return { view: 'sessions', sessionId: parts[1] };
  if (parts[0] === 'messages' && parts.length <= 2) return { view: 'messages', messageId: parts[1] };
  if (parts[0] === 'policy' && parts.length === 1) return { view: 'policy' };
  return { view: 'not-found' };
}

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
}

export function usePath(): string {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => location.pathname,
  );
}

export const sessionPath = (id: string) => `/sessions/${encodeURIComponent(id)}`;
export const messagePath = (id: string) => `/messages/${encodeURIComponent(id)}`;

/** An `<a>` that navigates in place (a plain click); modified clicks behave as links do. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  return createElement('a', {
    ...rest,
    onClick(e: MouseEvent<HTMLAnchorElement>) {
      onClick?.(e);
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(props.href);
    },
  });
}
