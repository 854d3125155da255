import { type AppConfig, ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateForService } from '../db/migrations/index.js';

/** Exit codes: 0 done, 1 the command failed, 2 wrong usage or configuration, 3 a needed tool is missing. */
export const EXIT = { ok: 0, failed: 1, usage: 2, missingTool: 3 } as const;

/** A refusal the operator can act on: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Same configuration as the server: the environment, then `.env` for what is unset. */
export function cliConfig(): AppConfig {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** Opens the database brought up to the latest schema, runs `work`, always closes it. */
export async function withMigratedDatabase<T>(
  config: AppConfig,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateForService(config.databaseUrl, database);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** `--name value` and `--name=value` options; anything else is a usage error. */
export function parseOptions(args: readonly string[], allowed: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !allowed.includes(match[1]!)) throw new CliError(`unknown argument "${arg}"`, EXIT.usage);
    const name = match[1]!;
    if (match[2] !== undefined) {
      options.set(name, match[2]);
    } else if (name === 'yes' || name === 'force') {
      options.set(name, 'true');
    } else {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value`, EXIT.usage);
      options.set(name, value);
      index += 1;
    }
  }
  return options;
}

export function requireOption(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (value === undefined || value === '') throw new CliError(`--${name} is required`, EXIT.usage);
  return value;
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);
