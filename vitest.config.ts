import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['node_modules/**', 'test/browser/support/**'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a screen or a background job to catch up; its default of 1 s failed a
    // browser test whose drawer took longer on a loaded 2-core machine. A wait, not a speed target.
    expect: { poll: { timeout: 10_000 } },
  },
});
