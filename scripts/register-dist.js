// Runs the compiled product (npm run build writes dist/): the workspace path aliases of
// tsconfig.base.json pointed at their compiled files, and reflect-metadata for NestJS/MikroORM.
// `node -r ./scripts/register-dist.js dist/apps/api/src/main.js` is how a deployment starts the API.
const path = require('path');
const root = path.resolve(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, [path.join('dist', target.replace(/\.ts$/, '.js'))]]),
);
require('tsconfig-paths').register({ baseUrl: root, paths });
require('reflect-metadata');
