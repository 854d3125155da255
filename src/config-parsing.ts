/** The pieces every table of configuration variables is written with (src/config.ts, src/messages-config.ts). */
export interface VariableSpec<T> {
  description: string;
  sensitive: boolean;
  parse(raw: string | undefined): T;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function integer(name: string, fallback: number, min: number, max: number): VariableSpec<number>['parse'] {
  return (raw) => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim()))
      throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new ConfigError(name, `must be from ${min} to ${max} (got ${value})`);
    return value;
  };
}

/** An optional text value: unset or blank is undefined. */
export const optionalText = (raw: string | undefined): string | undefined =>
  raw === undefined || raw.trim() === '' ? undefined : raw.trim();

/** One of a list of words; unset or blank is the fallback. */
export function oneOf<T extends string>(name: string, values: readonly T[], fallback: T): VariableSpec<T>['parse'] {
  return (raw) => {
    const value = raw && raw.trim() !== '' ? raw.trim() : fallback;
    if (!(values as readonly string[]).includes(value))
      throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${value}")`);
    return value as T;
  };
}
