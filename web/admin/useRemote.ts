import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { messageOf } from './api';

/** Loads data for a screen with its loading and error states; reload() fetches again. */
export function useRemote<T>(load: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the loader depends on (`deps`); `attempt` is the reload trigger
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
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
