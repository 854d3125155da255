import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/** Python's zipfile: reads the central directory (ZIP64 included) and checks every entry's CRC. */
const PYTHON_CHECK = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    bad = archive.testzip()
    if bad is not None:
        sys.exit("bad CRC in " + bad)
    print("\\n".join(info.filename for info in archive.infolist()))
`;

const available = (command: string): boolean =>
  spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
let warned = false;

/**
 * A second, independent opinion on a ZIP we wrote: Info-ZIP's `unzip -t` and Python's zipfile,
 * whichever this machine has. Without either the check is skipped, with a message. Returns the
 * entry names Python listed (empty when it is not installed).
 */
export function checkZipWithOtherReader(bytes: Buffer): string[] {
  const hasUnzip = available('unzip');
  const hasPython = available('python3');
  if (!hasUnzip && !hasPython) {
    if (!warned) console.warn('zip check skipped: neither unzip nor python3 is installed');
    warned = true;
    return [];
  }
  const directory = mkdtempSync(path.join(tmpdir(), 'carepool-zip-'));
  try {
    const file = path.join(directory, 'archive.zip');
    writeFileSync(file, bytes);
    if (hasUnzip) {
      const unzip = spawnSync('unzip', ['-t', '-q', file], { encoding: 'utf8' });
      expect(unzip.status, `unzip -t: ${unzip.stdout}${unzip.stderr}`).toBe(0);
    }
    if (!hasPython) return [];
    const python = spawnSync('python3', ['-c', PYTHON_CHECK, file], { encoding: 'utf8' });
    expect(python.status, `python zipfile: ${python.stderr}`).toBe(0);
    return python.stdout.trim().split('\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
