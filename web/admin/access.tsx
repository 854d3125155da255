import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/**
 * What the signed-in role may use, as far as the UI can tell: the menu from GET menu/
 * (entries appear only with their permission) plus the actions that answered 403 during
 * this session, which are hidden from then on. The API enforces everything regardless.
 */
export interface MenuEntry {
  title: string;
  name: string;
  url: string;
  child: { id: string; title: string; name: string; url: string }[];
}

interface Access {
  menu: MenuEntry[];
  hasMenu(url: string): boolean;
  isForbidden(action: string): boolean;
  markForbidden(action: string): void;
}

const AccessContext = createContext<Access>({ menu: [], hasMenu: () => false, isForbidden: () => false, markForbidden: () => undefined });

const FORBIDDEN_KEY = 'carepool.staff.forbidden';

export function AccessProvider({ menu, children }: { menu: MenuEntry[]; children: ReactNode }) {
  const [forbidden, setForbidden] = useState<Set<string>>(() => new Set(JSON.parse(sessionStorage.getItem(FORBIDDEN_KEY) ?? '[]') as string[]));
  const markForbidden = useCallback((action: string) => {
    setForbidden((previous) => {
      const next = new Set(previous).add(action);
      sessionStorage.setItem(FORBIDDEN_KEY, JSON.stringify([...next]));
      return next;
    });
  }, []);
  const value = useMemo<Access>(() => {
    const urls = new Set(menu.flatMap((entry) => [entry.url, ...entry.child.map((leaf) => leaf.url)]));
    return { menu, hasMenu: (url) => urls.has(url), isForbidden: (action) => forbidden.has(action), markForbidden };
  }, [menu, forbidden, markForbidden]);
  return <AccessContext.Provider value={value}>{children}</AccessContext.Provider>;
}

export function clearForbidden(): void {
  sessionStorage.removeItem(FORBIDDEN_KEY);
}

export function useAccess(): Access {
  return useContext(AccessContext);
}
