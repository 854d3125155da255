import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testDialect } from '../support/database.js';

/**
 * The two static checks `npm test` runs before the suite (the architecture's boundaries and the
 * linter) pass on the code as it is and fail on a deliberate violation: a check that cannot fail
 * would guard nothing. They read no database: the SQLite pass runs them, the PostgreSQL pass skips them.
 */
const staticPass = testDialect() === 'sqlite';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A small project with this repository's boundary rules and the given source files. */
function treeWith(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'carepool-architecture-'));
  folders.push(folder);
  cpSync(path.join(ROOT, '.dependency-cruiser.cjs'), path.join(folder, '.dependency-cruiser.cjs'));
  writeFileSync(path.join(folder, 'package.json'), '{"type":"module"}');
  writeFileSync(path.join(folder, 'tsconfig.json'), readFileSync(path.join(ROOT, 'tsconfig.json')));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), text);
  }
  return folder;
}

const checkArchitecture = (folder: string) =>
  run(process.execPath, [path.join(ROOT, 'scripts/check-architecture.mjs'), folder]);

describe.runIf(staticPass)('the architecture check', () => {
  it('passes on the code as it is', () => {
    const result = checkArchitecture(ROOT);
    expect(result.output).toMatch(/no cycles/);
    expect(result.status).toBe(0);
  });

  it('fails on a deep import into another feature, naming the rule', () => {
    const folder = treeWith({
      'src/features/billing/index.ts': "export { total } from './total.js';\n",
      'src/features/billing/total.ts':
        "import { rate } from '../pricing/rates.js';\nexport const total = (n: number) => n * rate;\n",
      'src/features/pricing/index.ts': "export { rate } from './rates.js';\n",
      'src/features/pricing/rates.ts': 'export const rate = 2;\n',
    });
    const result = checkArchitecture(folder);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(
      /features-meet-at-their-public-face: src\/features\/billing\/total\.ts -> src\/features\/pricing\/rates\.ts/,
    );
  });

  it('fails on two features that depend on each other, even through their public faces', () => {
    const folder = treeWith({
      'src/features/billing/index.ts': "export { total } from './total.js';\n",
      'src/features/billing/total.ts':
        "import { rate } from '../pricing/index.js';\nexport const total = (n: number) => n * rate;\n",
      'src/features/billing/labels.ts': "export const label = 'billing';\n",
      'src/features/pricing/index.ts': "export { rate } from './rates.js';\n",
      'src/features/pricing/rates.ts': 'export const rate = 2;\n',
      'src/features/pricing/report.ts':
        "import { total } from '../billing/index.js';\nexport const report = () => total(1);\n",
    });
    const result = checkArchitecture(folder);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/features-form-no-cycle: (billing -> pricing|pricing -> billing)/);
  });

  it('fails when the shared domain imports a feature', () => {
    const folder = treeWith({
      'src/domain/money.ts': "import { rate } from '../features/pricing/index.js';\nexport const cost = rate;\n",
      'src/features/pricing/index.ts': 'export const rate = 2;\n',
    });
    const result = checkArchitecture(folder);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/domain-is-the-shared-kernel/);
  });
});

describe.runIf(staticPass)('the linter and formatter (Biome)', () => {
  it('passes on the whole tree', () => {
    const result = run('npx', ['biome', 'ci', '.']);
    expect(result.output).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('fails on a lint error and on code that is not formatted', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'carepool-lint-'));
    folders.push(folder);
    const config = JSON.parse(readFileSync(path.join(ROOT, 'biome.json'), 'utf8'));
    delete config.vcs;
    config.$schema = undefined;
    config.files = { includes: ['**'] };
    writeFileSync(path.join(folder, 'biome.json'), JSON.stringify(config));
    writeFileSync(
      path.join(folder, 'hook.ts'),
      'export function f(a: number) {\n  if (a == 1) { return   true }\n  return false;\n}\n',
    );
    const result = run(path.join(ROOT, 'node_modules/.bin/biome'), ['ci', '.'], folder);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/noDoubleEquals/);
    expect(result.output).toMatch(/format/i);
  });
});
