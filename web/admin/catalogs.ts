import { useEffect, useState } from 'react';
import { call, staffClient } from './api';

/**
 * The catalogs the forms and filters choose from (departments with their diseases,
 * doctors, channels, advisory ways), loaded once per page view. A role without
 * catalogs:view gets empty lists and the selects simply offer nothing.
 */
export interface Catalogs {
  departments: { id: string; name: string; diseases: { id: string; name: string }[] }[];
  doctors: { id: string; name: string; departmentId: string | null }[];
  channels: { id: string; name: string }[];
  advisoryWays: { id: string; name: string }[];
}

const empty: Catalogs = { departments: [], doctors: [], channels: [], advisoryWays: [] };

async function settle<T>(promise: Promise<T>, fallback: T): Promise<T> {
  try {
    return await promise;
  } catch {
    return fallback;
  }
}

export async function loadCatalogs(): Promise<Catalogs> {
  const [departments, doctors, channels, advisoryWays] = await Promise.all([
    settle(
      call(() =>
        staffClient.GET('/back_end/api/v1/departments', { params: { query: { include_inactive: false } } }),
      ).then((r) => r.departments),
      [],
    ),
    settle(
      call(() => staffClient.GET('/back_end/api/v1/doctors', { params: { query: { include_inactive: false } } })).then(
        (r) => r.doctors,
      ),
      [],
    ),
    settle(
      call(() => staffClient.GET('/back_end/api/v1/channels', { params: { query: { include_inactive: false } } })).then(
        (r) => r.channels,
      ),
      [],
    ),
    settle(
      call(() =>
        staffClient.GET('/back_end/api/v1/advisory-ways', { params: { query: { include_inactive: false } } }),
      ).then((r) => r.advisoryWays),
      [],
    ),
  ]);
  return { departments, doctors, channels, advisoryWays } as Catalogs;
}

export function useCatalogs(): Catalogs {
  const [catalogs, setCatalogs] = useState<Catalogs>(empty);
  useEffect(() => {
    let active = true;
    void loadCatalogs().then((loaded) => active && setCatalogs(loaded));
    return () => {
      active = false;
    };
  }, []);
  return catalogs;
}

export const options = (items: { id: string; name: string }[]) =>
  items.map((item) => ({ value: Number(item.id), label: item.name }));

export function diseaseOptions(catalogs: Catalogs) {
  return catalogs.departments.map((department) => ({ label: department.name, options: options(department.diseases) }));
}

export function nameOf(items: { id: string; name: string }[], id: string | null | undefined): string {
  return (id && items.find((item) => item.id === id)?.name) || '';
}

/** The name and order fields of a catalog form as the create and update bodies take them. */
export function entryBody(values: { name: string; sort_order?: number | null }): { name: string; sort_order?: number } {
  return {
    name: values.name.trim(),
    ...(values.sort_order !== undefined && values.sort_order !== null ? { sort_order: values.sort_order } : {}),
  };
}
