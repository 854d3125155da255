/**
 * What a session keeps across reloads (token, a name to greet with), in localStorage. Without
 * storage (a private window that refuses it) the session lasts for this page only.
 */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // no storage: nothing to keep
  }
}
