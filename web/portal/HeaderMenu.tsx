import { Menu } from 'antd';
import type { ReactNode } from 'react';

/** The portal's destinations as a header menu, from the md breakpoint up (its own chunk; phones use the tab bar). */
export default function HeaderMenu({
  label,
  selected,
  items,
}: {
  label: string;
  selected: string;
  items: { key: string; icon: ReactNode; label: ReactNode }[];
}) {
  return (
    <Menu
      theme="dark"
      mode="horizontal"
      aria-label={label}
      selectedKeys={[selected]}
      style={{ flex: 1, minWidth: 0 }}
      items={items}
    />
  );
}
