import type { Page } from 'playwright-core';

/**
 * A small axe-like scan of what is on the screen: every visible form control has a label
 * (label element, aria-label, aria-labelledby or title; a placeholder is not a label), and every
 * visible button (button, role=button, link styled as one) has an accessible name. An antd icon's
 * own aria-label ("search", "reload") is its file name in English, not a name a screen-reader user
 * can act on, so a button whose only text is such an icon counts as unnamed.
 * Returns one line per offender, naming it by tag, classes and what it holds.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}.${String(element.getAttribute('class') ?? '')
        .split(' ')
        .slice(0, 3)
        .join('.')}${element.id ? `#${element.id}` : ''} "${(element.textContent ?? '').trim().slice(0, 20)}"`;
    const byIds = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join(' ')
        .trim();
    /** Text a screen reader would read from the element's content, without icon file names. */
    const ownText = (element: Element): string => {
      let text = '';
      for (const node of element.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
        else if (node instanceof Element) {
          if (node.getAttribute('aria-hidden') === 'true') continue;
          if (node.classList.contains('anticon')) continue;
          const label = node.getAttribute('aria-label');
          text += label && node.getAttribute('role') !== 'img' ? label : ownText(node);
          if (node instanceof HTMLImageElement) text += node.alt;
        }
      }
      return text.trim();
    };
    const problems: string[] = [];
    const controls = document.querySelectorAll(
      'input:not([type=hidden]):not([type=file]), select, textarea, [role=combobox], [role=textbox]',
    );
    for (const control of controls) {
      if (!visible(control)) continue;
      const id = control.id;
      const named =
        (control.getAttribute('aria-label') ?? '').trim() !== '' ||
        byIds(control.getAttribute('aria-labelledby')) !== '' ||
        (control.getAttribute('title') ?? '').trim() !== '' ||
        (id !== '' && (document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent ?? '').trim() !== '') ||
        (control.closest('label')?.textContent ?? '').trim() !== '';
      if (!named) problems.push(`control without a label: ${describe(control)}`);
    }
    for (const button of document.querySelectorAll('button, [role=button], a.ant-btn')) {
      if (!visible(button)) continue;
      // Out of the tab order inside a titled item (antd's pagination arrows): the item is what
      // takes focus and carries the name ("上一页").
      if (button.getAttribute('tabindex') === '-1' && button.parentElement?.closest('[title]')) continue;
      const named =
        (button.getAttribute('aria-label') ?? '').trim() !== '' ||
        byIds(button.getAttribute('aria-labelledby')) !== '' ||
        (button.getAttribute('title') ?? '').trim() !== '' ||
        ownText(button) !== '';
      if (!named) problems.push(`button without a name: ${describe(button)} ${button.outerHTML.slice(0, 160)}`);
    }
    // Pro-components' icon controls (table toolbar, side-menu arrow) act as buttons: they must be
    // reachable by Tab and named like one.
    for (const item of document.querySelectorAll(
      '.ant-pro-table-list-toolbar-setting-item, .ant-pro-sider-collapsed-button',
    )) {
      if (!visible(item)) continue;
      const button = item.matches('button, [role=button]') ? item : item.querySelector('button, [role=button]');
      const focusable =
        button?.tagName === 'BUTTON'
          ? button.getAttribute('tabindex') !== '-1'
          : button?.getAttribute('tabindex') === '0';
      if (!focusable || !(button?.getAttribute('aria-label') ?? '').trim())
        problems.push(
          `icon control that is no named, focusable button: ${describe(item)} ${item.outerHTML.slice(0, 120)}`,
        );
    }
    return problems;
  });
}
