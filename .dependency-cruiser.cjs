// The arrows between the packages, checked on every `npm test` (tests/architecture/arrows.test.ts) and
// by `npm run arrows`. docs/ARCHITECTURE.md ("Arrows") says why each rule exists. Dependencies point one
// way: functions -> app/web -> store, aws, payments, notify -> core. Core imports nothing outward;
// adapters implement ports declared in core. local (the laptop runner and demo data) may use anything;
// nothing in packages/ uses it. Test files may reach further than the code beside them (a test of a
// route builds the whole app), but never into a cycle.
const TEST = '\\.test\\.tsx?$';
const pkg = (name) => `^packages/${name}/src/`;
const otherPackagesThan = (...names) => `^packages/(?!(${names.join('|')})/)[^/]+/src/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-outward',
      severity: 'error',
      comment: 'The domain is pure TypeScript: no other workspace package, no AWS SDK, Hono or Stripe.',
      from: { path: pkg('core') },
      to: { path: [otherPackagesThan('core'), '^node_modules/(@aws-sdk|hono|stripe|@hono)/'] },
    },
    {
      name: 'core-uses-only-its-libraries',
      severity: 'error',
      comment: 'What core may load from npm is short and stated: schemas, CSV parsing and GBK decoding.',
      from: { path: pkg('core'), pathNot: TEST },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '^node_modules/(zod|csv-parse|iconv-lite)/',
      },
    },
    {
      name: 'adapters-import-only-core',
      severity: 'error',
      comment: 'store, aws, payments and notify implement ports of core; they do not know each other or the app.',
      from: { path: '^packages/(store|aws|payments|notify)/src/', pathNot: TEST },
      to: { path: otherPackagesThan('core', '$1') },
    },
    {
      name: 'only-store-talks-to-dynamodb',
      severity: 'error',
      comment: 'Keys, items and conditions live in one package; everyone else goes through its entities.',
      from: { path: '^(packages|functions)/', pathNot: [pkg('store'), pkg('local'), TEST] },
      to: { path: '^node_modules/@aws-sdk/(client-dynamodb|lib-dynamodb|util-dynamodb)/' },
    },
    {
      name: 'app-does-not-import-pages',
      severity: 'error',
      comment: 'The API knows nothing of pages; the site (web) composes the two.',
      from: { path: pkg('app') },
      to: { path: pkg('web') },
    },
    {
      name: 'pages-use-only-the-public-app',
      severity: 'error',
      comment: 'Pages call the services under the access the API declares, through app/public.ts, not its internals.',
      from: { path: pkg('web'), pathNot: TEST },
      to: {
        path: pkg('app'),
        pathNot: ['^packages/app/src/public\\.ts$', '^packages/app/src/compose/production-deps\\.ts$'],
      },
    },
    {
      name: 'nothing-in-packages-imports-local',
      severity: 'error',
      comment: 'local is the laptop runner and demo data: no Lambda may ship it.',
      from: { path: '^(packages|functions|infra)/', pathNot: [pkg('local'), TEST] },
      to: { path: pkg('local') },
    },
    {
      name: 'functions-are-entry-points-only',
      severity: 'error',
      comment: 'A Lambda entry wires a composed app or job runner; logic lives in packages.',
      from: { path: '^functions/' },
      to: { path: [pkg('core'), pkg('store')] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves nowhere is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    combinedDependencies: false,
  },
};
