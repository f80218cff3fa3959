#!/usr/bin/env node
/**
 * Builds the native LAPACK engine (native/binding.gyp) with node-gyp, if it can. Runs as the package's `install`
 * script and always exits 0: without a compiler or the LAPACKE/OpenBLAS headers (Debian: libopenblas-dev and
 * liblapacke-dev), the build is skipped with a message and the JavaScript engine runs instead.
 *
 * Set VECTORSPACE_SKIP_NATIVE=1 to skip the build.
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');
const require = createRequire(import.meta.url);

function skip(reason) {
  process.stdout.write(`vectorspace: native LAPACK engine not built (${reason}); the JavaScript engine will run.\n`);
  process.exit(0);
}

if (process.env.VECTORSPACE_SKIP_NATIVE === '1') skip('VECTORSPACE_SKIP_NATIVE=1');

const headers = ['/usr/include/lapacke.h', '/usr/include/cblas.h', '/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/aarch64-linux-gnu/cblas.h'];
if (!existsSync(headers[0]) || !headers.slice(1).some((file) => existsSync(file))) {
  skip('lapacke.h or cblas.h not found; install libopenblas-dev and liblapacke-dev');
}

// node-gyp from devDependencies, else the copy bundled with npm (npm passes its path in npm_config_node_gyp).
let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  nodeGyp = process.env.npm_config_node_gyp;
}
if (!nodeGyp || !existsSync(nodeGyp)) skip('node-gyp not found');

// Use the headers installed with Node itself (NodeSource packages, the node:20 images) so that the build needs no
// download. Without them node-gyp fetches the headers from nodejs.org.
const args = [nodeGyp, 'rebuild', `--directory=${nativeDir}`];
const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(nodePrefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodePrefix}`);

const build = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (build.status !== 0) skip(`node-gyp exited with status ${build.status}`);
process.stdout.write('vectorspace: native LAPACK engine built (native/build/Release/vectorspace_linalg.node).\n');
