import { App } from 'antd';
import { messageOf } from './api';

/**
 * Runs a change the user asked for: a success toast and `refresh` when it worked, the API's
 * message when it did not. Resolves to whether it worked (a modal form stays open on false).
 */
export function useAction(refresh: () => void) {
  const { message } = App.useApp();
  return async function attempt(action: () => Promise<unknown>, success: string): Promise<boolean> {
    try {
      await action();
      message.success(success);
      refresh();
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  };
}
