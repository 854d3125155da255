import { theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';

interface PortalCardProps {
  title?: ReactNode;
  extra?: ReactNode;
  size?: 'default' | 'small';
  hoverable?: boolean;
  style?: CSSProperties;
  bodyStyle?: CSSProperties;
  'aria-label'?: string;
  children?: ReactNode;
}

/**
 * The portal's card: a bordered box with an optional title row, drawn with antd's theme tokens so
 * it looks like antd's Card. Not antd's Card, which brings its tab bar (Tabs, 10 KB brotli) to
 * every portal page a phone opens, for a feature the portal never uses.
 */
export function PortalCard({
  title,
  extra,
  size = 'default',
  hoverable,
  style,
  bodyStyle,
  children,
  'aria-label': label,
}: PortalCardProps) {
  const { token } = theme.useToken();
  const small = size === 'small';
  const padding = small ? token.paddingSM : token.paddingLG;
  return (
    <div
      className={hoverable ? 'portal-card portal-card-hoverable' : 'portal-card'}
      // A named card is a group with that name (the clinic's details, one doctor, one booking).
      {...(label ? { role: 'group', 'aria-label': label } : {})}
      style={{
        background: token.colorBgContainer,
        border: `${token.lineWidth}px solid ${token.colorBorderSecondary}`,
        borderRadius: token.borderRadiusLG,
        color: token.colorText,
        ...style,
      }}
    >
      {title || extra ? (
        <div
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: token.marginXS,
            minHeight: small ? 38 : 56,
            padding: `0 ${padding}px`,
            borderBottom: `${token.lineWidth}px solid ${token.colorBorderSecondary}`,
            fontWeight: token.fontWeightStrong,
            fontSize: small ? token.fontSize : token.fontSizeLG,
          }}
        >
          <div style={{ minWidth: 0 }}>{title}</div>
          {extra}
        </div>
      ) : null}
      <div style={{ padding, ...bodyStyle }}>{children}</div>
    </div>
  );
}
