/** SQL helpers every repository may use. */

/** `%` and `_` typed by a user are literal characters, not wildcards (use with `escape '\\'`). */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
