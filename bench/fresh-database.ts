import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';

/** An empty database of one kind for a bench run (a temp SQLite file, or a new PostgreSQL database), and its removal. */
export async function freshDatabase(
  kind: string,
  label: string,
  pgUrl: string,
): Promise<{ handle: DatabaseHandle; url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), `carepool-${label}-bench-`));
    const url = `sqlite:${path.join(dir, 'bench.db')}`;
    return { handle: openDatabase(url), url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `carepool_${label}_bench_${process.pid}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    handle: openDatabase(url.toString()),
    url: url.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
