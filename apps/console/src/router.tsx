// A small history-API router under /console/ (the gateway answers every /console/* path with index.html).
import { createContext, useContext, useEffect, useState, type ReactNode, type MouseEvent } from 'react';

const BASE = '/console';

export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) || '/' : '/';
  return { path, params: new URLSearchParams(window.location.search) };
}

const RouterContext = createContext<{ location: Location; navigate: (to: string) => void }>({ location: current(), navigate: () => undefined });

export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string) => {
    history.pushState(null, '', BASE + to);
    setLocation(current());
  };
  return <RouterContext.Provider value={{ location, navigate }}>{children}</RouterContext.Provider>;
}

export const useRouter = () => useContext(RouterContext);

/** Replaces the query string (pickers), keeping the page. */
export function useQueryParam(name: string, fallback: string): [string, (v: string) => void] {
  const { location, navigate } = useRouter();
  const value = location.params.get(name) ?? fallback;
  const set = (v: string) => {
    const p = new URLSearchParams(location.params);
    if (v) p.set(name, v);
    else p.delete(name);
    const qs = p.toString();
    navigate(`${location.path}${qs ? `?${qs}` : ''}`);
  };
  return [value, set];
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const { navigate } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={onClick} className={className}>{children}</a>;
}
