#!/usr/bin/env bash
# npm run build: compiles the API, the worker and the libraries to JavaScript in dist/ (tsc, incremental)
# with the data files they read (dist/data), and the web view the API serves (Vite, into dist/web). Run them
# with npm run start:api / npm run start:worker.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json
npm run -s build:web >&2
rm -rf dist/data
cp -r data dist/data
