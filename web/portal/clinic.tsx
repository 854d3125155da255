import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { setClinicZone } from '../ui/clinicTime';
import { type ClinicInfo, requestClinic } from './preload';
import { LoadingState } from './states';

export type { ClinicInfo };

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
    // Usually already under way: the entry script asks for it while the portal's scripts load.
    void requestClinic().then((info) => {
      if (info) setClinicZone(info.timezone);
      if (active) setState({ info, settled: true });
    });
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
