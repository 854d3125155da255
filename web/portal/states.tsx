import { ExclamationCircleFilled } from '@ant-design/icons';
import { Button, Empty, Spin, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageOf } from './session';

/** Loads data for a screen; stale answers (after the inputs changed or the screen closed) are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const { t } = useTranslation('common');
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  // The loader is rebuilt on every render; it only counts as new when its inputs (deps) change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the loader depends on (`deps`)
  const stableLoad = useCallback(load, deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the reload trigger, read by no line of the effect
  useEffect(() => {
    let current = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    stableLoad()
      .then((data) => current && setState({ data, loading: false }))
      .catch((error: unknown) => current && setState({ error: messageOf(error, t('networkError')), loading: false }));
    return () => {
      current = false;
    };
  }, [stableLoad, attempt, t]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}

export function LoadingState() {
  const { t } = useTranslation('common');
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', justifyContent: 'center', padding: '48px 0' }}>
      <Spin tip={t('loading')}>
        <div style={{ width: 120, height: 40 }} />
      </Spin>
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useTranslation('common');
  return (
    <PageNotice
      icon={<ExclamationCircleFilled style={{ fontSize: 48, color: '#faad14' }} />}
      title={<span role="alert">{message}</span>}
      extra={onRetry ? <Button onClick={onRetry}>{t('retry')}</Button> : undefined}
    />
  );
}

/**
 * A page-sized message with its action (an error, a page that does not exist). Not antd's Result:
 * its illustrations weigh 8 KB (brotli) on every portal page a phone opens, and are never shown.
 */
export function PageNotice({ icon, title, extra }: { icon?: ReactNode; title: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ textAlign: 'center', padding: '48px 16px' }}>
      {icon}
      <Typography.Title level={4} style={{ marginTop: icon ? 16 : 0, fontWeight: 500 }}>
        {title}
      </Typography.Title>
      {extra && <div style={{ marginTop: 24 }}>{extra}</div>}
    </div>
  );
}

export function EmptyState({ description, action }: { description?: string; action?: ReactNode }) {
  const { t } = useTranslation('common');
  return (
    <Empty description={description ?? t('empty')} style={{ padding: '32px 0' }}>
      {action}
    </Empty>
  );
}

/** Renders the loading, error or empty state, or the content once there is data. */
export function Loaded<T>({
  state,
  isEmpty,
  empty,
  children,
}: {
  state: { data?: T; error?: string; loading: boolean; reload: () => void };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (state.error !== undefined) return <ErrorState message={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <LoadingState />;
  if (isEmpty?.(state.data)) return <>{empty ?? <EmptyState />}</>;
  return <>{children(state.data)}</>;
}
