import { theme } from 'antd';
import type { CSSProperties, SelectHTMLAttributes } from 'react';

/**
 * The browser's own <select>, drawn with antd's theme tokens. The portal uses it instead of antd's
 * Select, which adds 22 KB (brotli) to a page a phone opens; a phone shows a native select as its
 * own picker anyway, and it is a combobox to assistive technology without extra work.
 */
export function NativeSelect({ style, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { style?: CSSProperties }) {
  const { token } = theme.useToken();
  return (
    <select
      {...props}
      style={{
        height: token.controlHeight,
        padding: `0 ${token.paddingXS}px`,
        border: `${token.lineWidth}px solid ${token.colorBorder}`,
        borderRadius: token.borderRadius,
        background: token.colorBgContainer,
        color: token.colorText,
        fontSize: token.fontSize,
        ...style,
      }}
    />
  );
}
