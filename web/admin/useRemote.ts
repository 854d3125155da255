import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { messageOf } from './api';

/** Loads data for a screen with its loading and error states; reload() fetches again. */
export function useRemote<T>(load: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let active = true;
    setLoading(true);
    setError(undefined);
    load()
      .then((value) => active && setData(value))
      .catch((cause: unknown) => active && setError(messageOf(cause)))
      .finally(() => active && setLoading(false));
    return () => {
      active = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
