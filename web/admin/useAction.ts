import { App } from 'antd';
import { useState } from 'react';
import { messageOf } from './api';

/**
 * Runs a change the user asked for: a success toast and `refresh` (given what the call
 * answered) when it worked, the API's message when it did not. Resolves to whether it worked
 * (a modal form stays open on false).
 */
export function useAction<T = unknown>(refresh: (result: T) => void) {
  const { message } = App.useApp();
  return async function attempt(action: () => Promise<T>, success: string | ((result: T) => string)): Promise<boolean> {
    try {
      const result = await action();
      message.success(typeof success === 'string' ? success : success(result));
      refresh(result);
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  };
}

/**
 * useAction for a form's submit button: `saving` while the call runs (the button spins), and
 * `done` after a success (a dialog closes; after a failure it stays open with what was typed).
 */
export function useSubmit<T = unknown>(refresh: (result: T) => void, done: () => void = () => undefined) {
  const attempt = useAction(refresh);
  const [saving, setSaving] = useState(false);
  async function submit(action: () => Promise<T>, success: string | ((result: T) => string)): Promise<void> {
    setSaving(true);
    try {
      if (await attempt(action, success)) done();
    } finally {
      setSaving(false);
    }
  }
  return { saving, submit };
}
