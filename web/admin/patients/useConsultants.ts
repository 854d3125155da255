import { useEffect, useState } from 'react';
import { useAccess } from '../access';
import { call, staffClient } from '../api';

/** Staff names for the consultant filter, fetched only when the role may list staff. */
export function useConsultants(): { id: string; name: string }[] {
  const access = useAccess();
  const allowed = access.can('staff:view');
  const [staff, setStaff] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (!allowed) return;
    let active = true;
    call(() => staffClient.GET('/back_end/api/v1/staff', { params: { query: { page: 1, page_size: 200 } } }))
      .then(
        (body) =>
          active && setStaff(body.users.map((user) => ({ id: user.id, name: user.displayName || user.username }))),
      )
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, [allowed]);
  return staff;
}
