import { Alert, Button } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

/** What a screen shows when its data did not load: the reason and a button that tries again. */
export function LoadError({ error, onRetry, style }: { error: string; onRetry: () => void; style?: CSSProperties }) {
  const { t } = useTranslation('common');
  return (
    <Alert
      type="error"
      showIcon
      style={style}
      message={error}
      action={<Button onClick={onRetry}>{t('retry')}</Button>}
    />
  );
}
