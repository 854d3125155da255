// The architecture check that `npm test` runs first: dependency-cruiser's rules over src/
// (.dependency-cruiser.cjs: no cycles between modules, features meet at their index.ts, the
// layers), and zero cycles between features, which no module-level rule sees (a feature may
// reach another through its public face and be reached back through an internal file).
// Exit 1 on any violation, listing them. Also usable on another tree: check-architecture.mjs <dir>.

import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';

const root = path.resolve(process.argv[2] ?? '.');
process.chdir(root);
const require = createRequire(path.join(root, 'package.json'));
const config = require(path.join(root, '.dependency-cruiser.cjs'));

const result = await cruise(['src'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } });
const output = result.output;
const problems = output.summary.violations.map(
  (violation) =>
    `${violation.rule.name}: ${violation.from} -> ${violation.to}${violation.cycle ? ` (cycle: ${violation.cycle.map((step) => step.name ?? step).join(' -> ')})` : ''}`,
);

// Feature-level cycles: strongly connected components of the graph of features.
const featureOf = (file) => /^src\/features\/([^/]+)\//.exec(file)?.[1];
const edges = new Map();
for (const module of output.modules) {
  const from = featureOf(module.source);
  if (!from) continue;
  for (const dependency of module.dependencies) {
    const to = featureOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} -> ${dependency.resolved}`);
  }
}
const reaches = (from, to, seen = new Set()) => {
  if (seen.has(from)) return false;
  seen.add(from);
  for (const next of edges.get(from)?.keys() ?? []) if (next === to || reaches(next, to, seen)) return true;
  return false;
};
for (const [from, targets] of edges) {
  for (const [to, example] of targets)
    if (reaches(to, from)) problems.push(`features-form-no-cycle: ${from} -> ${to} and back (${example})`);
}

if (problems.length > 0) {
  console.error(
    `Architecture check: ${problems.length} violation(s)\n${problems.map((problem) => `  ${problem}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `Architecture check: ${output.summary.totalCruised} modules, no cycles, features meet at their index.ts, layers respected.`,
);
