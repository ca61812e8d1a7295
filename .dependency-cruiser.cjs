/**
 * The hub's dependency rules, checked by `npm run deps` (part of `npm test`). Each rule names the
 * architectural promise it keeps; see hub/README.md ("Layout and dependency rules"). `no-circular`
 * forbids cycles between files only: two folders can still import each other through different
 * files. Cycles between folders are forbidden by `.dependency-cruiser-folders.cjs`, which
 * `npm run deps` runs second, on production code (tests and hub/testing/ left out).
 */
const TESTS = '(^|/)[^/]+\\.test\\.ts$';
/**
 * Leaf libraries inside a module that other modules may use through their own entry: they import
 * only the kernel (rule `module-leaves-import-only-the-kernel`), so no cycle can pass through them.
 * The exchange's PKI: the agency registry issues demo certificates (`x509: demo`) with it, while
 * the exchange reads the registry.
 */
const MODULE_LEAVES = ['^hub/modules/exchange/pki/'];
/** The inspector console's front end: browser code, built by Vite into the bundle the hub serves. */
const CONSOLE_WEB = '^hub/modules/console/web/';
const BACKENDS =
  '^node_modules/(better-sqlite3|@kurrent/kurrentdb-client|pg|pg-cursor|pg-copy-streams|mysql2)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No cycles between files (between folders: `.dependency-cruiser-folders.cjs`).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-is-self-contained',
      severity: 'error',
      comment:
        'The kernel holds what every module shares; it depends on nothing else of the project (its tests may run it against the real event store).',
      from: { path: '^hub/kernel/', pathNot: TESTS },
      to: { path: '^(hub/(?!kernel/)|connectors/|scripts/|demo/)' },
    },
    {
      name: 'domain-imports-only-the-kernel',
      severity: 'error',
      comment:
        "A module's events, commands, deciders and the state they fold import only the kernel (and plain libraries).",
      from: { path: '^hub/modules/([^/]+)/(events|commands|decider|state)\\.ts$' },
      to: {
        path: '^(hub/|connectors/|scripts/|demo/)',
        pathNot: ['^hub/kernel/', '^hub/modules/$1/(events|commands|decider|state)\\.ts$'],
      },
    },
    {
      name: 'domain-has-no-infrastructure',
      severity: 'error',
      comment: 'Domain code knows no database driver, HTTP framework or GraphQL server.',
      from: { path: '^hub/modules/[^/]+/(events|commands|decider|state)\\.ts$' },
      to: {
        dependencyTypes: ['npm', 'npm-dev'],
        path: `${BACKENDS}|^node_modules/(fastify|mercurius|graphql)/`,
      },
    },
    {
      name: 'modules-through-their-entry',
      severity: 'error',
      comment:
        'A module is reached from outside its folder only through its entry, hub/modules/<name>/index.ts; its other files are its own (tests elsewhere use the entry too).',
      from: { pathNot: '^hub/modules/[^/]+/' },
      to: { path: '^hub/modules/[^/]+/', pathNot: '^hub/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'modules-through-their-entry',
      severity: 'error',
      comment:
        "Modules reach each other only through their entries (a module's leaf library through the leaf's own entry).",
      from: { path: '^hub/modules/([^/]+)/' },
      to: {
        path: '^hub/modules/[^/]+/',
        pathNot: [
          '^hub/modules/$1/',
          '^hub/modules/[^/]+/index\\.ts$',
          ...MODULE_LEAVES.map((leaf) => `${leaf}index\\.ts$`),
        ],
      },
    },
    {
      name: 'module-leaves-import-only-the-kernel',
      severity: 'error',
      comment:
        'A leaf library inside a module (MODULE_LEAVES) imports only the kernel, its own files and plain libraries.',
      from: { path: MODULE_LEAVES, pathNot: TESTS },
      to: { path: '^(hub/|connectors/|scripts/|demo/)', pathNot: ['^hub/kernel/', ...MODULE_LEAVES] },
    },
    {
      name: 'hub-stands-alone',
      severity: 'error',
      comment:
        'The hub imports nothing from connectors/ or scripts/; only the server loads demo/, on demand.',
      from: { path: '^hub/', pathNot: [TESTS, '^hub/testing/', '^hub/server\\.ts$'] },
      to: { path: '^(connectors|scripts|demo)/' },
    },
    {
      name: 'hub-tests-never-reach-scripts',
      severity: 'error',
      comment: 'Tests of the hub may use demo data, never connectors or scripts.',
      from: { path: '^hub/' },
      to: { path: '^(connectors|scripts)/' },
    },
    {
      name: 'console-web-is-browser-code',
      severity: 'error',
      comment:
        "The inspector console's front end (hub/modules/console/web/) runs in the browser: it imports its own files and browser libraries, never the hub's code or Node's.",
      from: { path: CONSOLE_WEB },
      to: { path: '^(hub|connectors|scripts|demo)/', pathNot: CONSOLE_WEB },
    },
    {
      name: 'console-web-is-browser-code',
      severity: 'error',
      comment: "The console's front end uses no Node built-in module.",
      from: { path: CONSOLE_WEB },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'hub-serves-the-console-bundle-only',
      severity: 'error',
      comment:
        "The hub serves the console's built bundle; nothing outside the front end imports its sources.",
      from: { pathNot: CONSOLE_WEB },
      to: { path: CONSOLE_WEB },
    },
    {
      name: 'backend-types-stay-in-infrastructure',
      severity: 'error',
      comment:
        'Database drivers are used only by the event-store and read-model infrastructure (and the key store); everything else goes through the ports in hub/kernel.',
      from: {
        path: '^hub/',
        pathNot: [
          TESTS,
          '^hub/eventstore/',
          '^hub/projections/db\\.ts$',
          '^hub/privacy/key-store\\.ts$',
          '^hub/projections/data-version\\.ts$',
        ],
      },
      to: { dependencyTypes: ['npm', 'npm-dev'], path: BACKENDS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // built bundles (the console's) are not source
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
