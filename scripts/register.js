// Runs the TypeScript sources directly: ts-node (transpile only; `npm run typecheck` checks types)
// with the workspace path aliases of tsconfig.base.json, and reflect-metadata for NestJS/MikroORM.
const path = require('path');
const root = path.resolve(__dirname, '..');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
require('reflect-metadata');
