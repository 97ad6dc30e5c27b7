import type { AnchorHTMLAttributes, ComponentChildren, TargetedMouseEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The browser's address as the app reads it: the history API, no dependency. */
export interface Location {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

function emit(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', emit);

/** Goes to `to` (path and query) without a reload; `replace` keeps the history entry. */
export function navigate(to: string, replace = false): void {
  const here = window.location.pathname + window.location.search;
  if (to === here) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.scrollTo(0, 0);
  emit();
}

/** Changes the query of the current page in place (search boxes, filters): no new history entry. */
export function setQuery(query: URLSearchParams): void {
  const search = query.toString();
  window.history.replaceState(null, '', window.location.pathname + (search ? `?${search}` : ''));
  emit();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An anchor that moves within the app; modified clicks (new tab, download) stay the browser's. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const click = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (typeof onClick === 'function') onClick(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
