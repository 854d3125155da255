import {
  cloneElement,
  isValidElement,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
  useCallback,
} from 'react';
import { useTranslation } from 'react-i18next';

/*
 * Pro-components draws a few controls as bare icons with a click handler: the table toolbar's
 * reload, density and column settings, and the side menu's collapse arrow. A screen reader met
 * them as "reload" (the icon's file name) or nothing at all, and the keyboard could not reach them.
 * These wrappers give each a role, a name in the user's language and Enter/Space, leaving the
 * library's own behaviour (its click handlers, dropdowns and popovers) as it is.
 */
const TABLE_OPTION_NAMES = { reload: 'a11y.reload', density: 'a11y.density', setting: 'a11y.columns' } as const;

/** A button that looks like the icon it holds. */
const BARE_BUTTON = {
  background: 'none',
  border: 0,
  padding: 0,
  font: 'inherit',
  color: 'inherit',
  cursor: 'pointer',
} as const;

const isActivation = (event: KeyboardEvent) => event.key === 'Enter' || event.key === ' ';

/** ProTable's optionsRender: each toolbar icon as a named, focusable button that the keyboard can press. */
export function useTableOptionsRender() {
  const { t } = useTranslation('admin');
  return useCallback(
    (_props: unknown, defaultDom: ReactNode[]) =>
      defaultDom.map((item) => {
        const key = isValidElement(item) ? String(item.key) : '';
        const nameKey = TABLE_OPTION_NAMES[key as keyof typeof TABLE_OPTION_NAMES];
        if (!nameKey) return item;
        return (
          <button
            key={key}
            type="button"
            aria-label={t(nameKey)}
            style={BARE_BUTTON}
            onKeyDown={(event) => {
              if (!isActivation(event)) return;
              event.preventDefault();
              // The icon is where the library listens (its own click, or a dropdown's trigger).
              event.currentTarget.querySelector<HTMLElement>('.anticon')?.click();
            }}
          >
            {item}
          </button>
        );
      }),
    [t],
  );
}

/** ProLayout's collapsedButtonRender: the side menu's arrow as a named toggle button. */
export function useCollapsedButtonRender() {
  const { t } = useTranslation('admin');
  return useCallback(
    (collapsed: boolean | undefined, dom: ReactNode) => {
      if (!isValidElement(dom)) return dom;
      const element = dom as ReactElement<{ onClick?: () => void }>;
      return cloneElement(element as ReactElement<Record<string, unknown>>, {
        role: 'button',
        tabIndex: 0,
        'aria-label': t(collapsed ? 'a11y.expandMenu' : 'a11y.collapseMenu'),
        'aria-expanded': !collapsed,
        onKeyDown: (event: KeyboardEvent) => {
          if (!isActivation(event)) return;
          event.preventDefault();
          element.props.onClick?.();
        },
      });
    },
    [t],
  );
}
