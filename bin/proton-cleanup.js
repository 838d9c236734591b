#!/usr/bin/env node
// The `proton-cleanup` bin (`npx proton-cleanup …` in the clone). Plain JavaScript, so that any
// Node.js can start it: the program is TypeScript (cli/bin.ts), loaded through tsx, and needs
// Node.js 22, which the project brings as a devDependency (node_modules/node/bin/node). Under an
// older Node.js this re-executes itself with that one; its exit code is this process's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REQUIRED_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);

if (major < REQUIRED_MAJOR) {
  const projectNode = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(projectNode)) {
    process.stderr.write(`proton-cleanup needs Node.js ${REQUIRED_MAJOR} or later (this is ${process.version}); run npm ci in ${root} to get the project's own.\n`);
    process.exit(1);
  }
  const child = spawnSync(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (child.error) {
    process.stderr.write(`proton-cleanup: cannot start ${projectNode}: ${child.error.message}\n`);
    process.exit(1);
  }
  process.exit(child.status ?? 1);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'cli', 'bin.ts')).href);
}
