import { Button, type ButtonProps } from 'antd';

/**
 * An action that looks like a link in a table row or beside a name: a real button, so it is
 * reached with Tab and pressed with Enter or Space (an <a> without href is neither).
 */
export function LinkButton(props: Omit<ButtonProps, 'type'>) {
  return <Button type="link" size="small" {...props} style={{ paddingInline: 0, height: 'auto', ...props.style }} />;
}
