import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { createApiClient } from '../api/client';
import type { paths } from '../api/schema';
import { setClinicZone } from '../ui/clinicTime';
import { LoadingState } from './states';

export type ClinicInfo = paths['/patient/clinic']['get']['responses'][200]['content']['application/json']['data'];

const ClinicContext = createContext<ClinicInfo | null>(null);

/**
 * The clinic's public facts (GET /patient/clinic), read once. Pages wait for them briefly so the
 * first times they show are already in the clinic's zone; if the request fails the portal still
 * works, in the browser's zone and without the clinic's details.
 */
export function ClinicProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ info: ClinicInfo | null; settled: boolean }>({ info: null, settled: false });
  useEffect(() => {
    let active = true;
    createApiClient(() => null)
      .GET('/patient/clinic')
      .then(({ data: body }) => {
        if (body?.data) setClinicZone(body.data.timezone);
        if (active) setState({ info: body?.data ?? null, settled: true });
      })
      .catch(() => active && setState({ info: null, settled: true }));
    return () => {
      active = false;
    };
  }, []);
  if (!state.settled) return <LoadingState />;
  return <ClinicContext.Provider value={state.info}>{children}</ClinicContext.Provider>;
}

export const useClinic = (): ClinicInfo | null => useContext(ClinicContext);

/** The phone as a tel: URI: digits and a leading + only. */
export const telHref = (phone: string): string => `tel:${phone.replace(/[^\d+]/g, '')}`;
