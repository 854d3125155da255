import { createContext, type ReactNode, useContext, useMemo } from 'react';

/**
 * What the signed-in role may use: the menu from GET menu/ (entries appear only with their
 * permission) and the effective permission keys from GET me/, loaded together after sign-in.
 * Controls the role may not use are not shown; the API enforces every permission regardless.
 */
export interface MenuEntry {
  title: string;
  name: string;
  url: string;
  child: { id: string; title: string; name: string; url: string }[];
}

/** The answer of GET me/ (ids as strings, like the rest of the staff API). */
export interface CurrentUser {
  id: string;
  username: string;
  displayName: string;
  roleId: string;
  roleName: string;
  dataScope: 'all' | 'own' | 'doctor' | 'none';
  /** The catalog doctor the account is (医生工作台); null when none. */
  doctorId?: string | null;
  permissions: string[];
}

interface Access {
  menu: MenuEntry[];
  user: CurrentUser | null;
  hasMenu(url: string): boolean;
  /** True when the role holds the permission key (src/features/permissions/catalogue.ts). */
  can(permission: string): boolean;
}

const AccessContext = createContext<Access>({ menu: [], user: null, hasMenu: () => false, can: () => false });

export function AccessProvider({
  menu,
  user,
  children,
}: {
  menu: MenuEntry[];
  user: CurrentUser;
  children: ReactNode;
}) {
  const value = useMemo<Access>(() => {
    const urls = new Set(menu.flatMap((entry) => [entry.url, ...entry.child.map((leaf) => leaf.url)]));
    const granted = new Set(user.permissions);
    return { menu, user, hasMenu: (url) => urls.has(url), can: (permission) => granted.has(permission) };
  }, [menu, user]);
  return <AccessContext.Provider value={value}>{children}</AccessContext.Provider>;
}

export function useAccess(): Access {
  return useContext(AccessContext);
}
