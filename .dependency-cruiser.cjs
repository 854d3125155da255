/**
 * The architecture's rules (docs/architecture.md), checked by `npm run check:architecture` in
 * `npm test`. Layers, bottom up: db -> domain (and the leaves http/errors.ts, http/schemas.ts)
 * -> http, security -> features -> the composition root and entry points.
 */
const ENTRY_POINTS = '^src/(app|composition|staff-api|portal-api|server|jobs|services)\\.ts$|^src/cli/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'features-meet-at-their-public-face',
      comment: "A feature imports another feature only through that feature's index.ts.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/[^/]+/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$'] },
    },
    {
      name: 'entry-points-meet-features-at-their-public-face',
      comment: "The composition root, the API plugins and the CLI use a feature through its index.ts too.",
      severity: 'error',
      from: { pathNot: '^src/features/' },
      to: { path: '^src/features/[^/]+/', pathNot: '^src/features/[^/]+/index\\.ts$' },
    },
    {
      name: 'domain-is-the-shared-kernel',
      comment: 'src/domain is what every feature shares: it knows no feature, no security service, no entry point.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: [`^src/(features|security)/`, ENTRY_POINTS, '^src/http/(?!errors\\.ts$|schemas\\.ts$)'] },
    },
    {
      name: 'db-is-the-bottom',
      comment: 'The database layer (connections, schema, migrations, generated SQL) imports nothing above it.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: ['^src/(domain|features|http|security)/', ENTRY_POINTS] },
    },
    {
      name: 'http-and-security-know-no-feature',
      comment: 'The HTTP plumbing and the security services serve every feature and depend on none.',
      severity: 'error',
      from: { path: '^src/(http|security)/' },
      to: { path: ['^src/features/', ENTRY_POINTS] },
    },
    {
      name: 'migrations-are-history',
      comment: 'A migration imports no other migration; shared SQL lives beside them in src/db (rollup-definition.ts, keyword-index.ts).',
      severity: 'error',
      from: { path: '^src/db/migrations/(?!index\\.ts$)' },
      to: { path: '^src/db/migrations/(?!columns\\.ts$)' },
    },
    {
      name: 'only-the-migrator-runs-migrations',
      comment: 'Runtime code never imports a migration: what it shares with one lives in src/db.',
      severity: 'error',
      from: { pathNot: '^src/db/migrations/' },
      to: { path: '^src/db/migrations/(?!index\\.ts$)' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
