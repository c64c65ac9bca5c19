// Three tiers (STYLE.md): *.spec.ts pure, *.int-spec.ts real PostgreSQL/Redis/SMTP, *.e2e-spec.ts the API booted.
const { compilerOptions } = require('./tsconfig.base.json');
// tsconfig paths as jest module names; a trailing `/*` maps the rest of the path (`@rogatory/workflow-pure/codes`).
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace('/*', '/(.*)')}$`, `<rootDir>/${target.replace('/*', '/$1')}`]),
);
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper,
  setupFiles: ['<rootDir>/scripts/jest-setup.js'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
module.exports = {
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/**/*.e2e-spec.ts'] },
  ],
};
