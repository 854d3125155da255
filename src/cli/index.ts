import type { AppConfig } from '../config.js';
import { CliError, cliConfig, EXIT } from './context.js';

const USAGE = `Usage: carepool <command> [options]     (or: npm run cli -- <command> [options])

Uses the server's configuration: environment variables, then .env (DATABASE_URL, DATA_DIR, ...).

Commands:
  migrate                                  apply pending database migrations
  create-admin --username <name> [--password <pw>]
                                           add an administrator; without --password a random one is printed once
  reset-password --username <name> [--password <pw>]
                                           set a new password (random and printed once if not given),
                                           sign the account out everywhere and lift its lockout
  backup [--output <file>]                 SQLite: consistent copy while the server runs;
                                           PostgreSQL: pg_dump (custom format). Default: DATA_DIR/backups/
  restore --input <file>                   SQLite: replace the database file (server stopped; the backup is
                                           checked first, the old file kept); PostgreSQL: into an empty database
  seed-demo                                a small demo clinic (staff per role, ~200 patients, visits,
                                           follow-ups, schedules, appointments); refuses to run twice
  help                                     this text

Exit codes: 0 done, 1 failed, 2 wrong usage or configuration, 3 a required tool (pg_dump, pg_restore, psql) is missing.`;

type Command = (config: AppConfig, args: readonly string[]) => Promise<void>;

async function migrate(config: AppConfig): Promise<void> {
  const { openDatabase } = await import('../db/database.js');
  const { migrateForService } = await import('../db/migrations/index.js');
  const database = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateForService(config.databaseUrl, database);
    console.log(applied.length === 0 ? 'Database schema is up to date.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await database.close();
  }
}

/** Loaded on demand: usage errors and help answer without loading database drivers. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => migrate,
  'create-admin': async () => (await import('./accounts.js')).createAdmin,
  'reset-password': async () => (await import('./accounts.js')).resetPassword,
  backup: async () => (await import('./backup.js')).backup,
  restore: async () => (await import('./backup.js')).restore,
  'seed-demo': async () => (await import('./seed-demo.js')).seedDemo,
};

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const config = cliConfig();
    await (await load())(config, args);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`carepool ${command}: ${error.message}`);
      if (error.exitCode === EXIT.usage) console.error('Run "carepool help" for usage.');
      return error.exitCode;
    }
    console.error(`carepool ${command} failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
    return EXIT.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));
