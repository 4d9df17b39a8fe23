#!/usr/bin/env node
// The package's install step (package.json "install"), run by npm in a project that installs it:
//  - linux-x64 and win32-x64 ship a prebuilt addon (prebuilds/): nothing to do, no compiler needed;
//  - another Linux or Windows machine builds it from source with cmake-js (`npm install --build-from-source`
//    forces that everywhere); without cmake it says so and what to install, instead of failing in a compiler;
//  - a platform with no engine (macOS) gets a sentence saying so; the install goes on, and importing the
//    package throws the same sentence.
// In the overlapped repository itself it does nothing: `pnpm build` builds the addon there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(join(root, 'lib', 'index.ts'))) process.exit(0);

const { findAddon, missingAddonMessage, unsupportedReason } = await import('../dist/platform.js');

const unsupported = unsupportedReason(process.platform);
if (unsupported !== null) {
  console.warn(`${unsupported}. Installed without the native addon: importing @overlapped/winsock-native throws this.`);
  process.exit(0);
}

const fromSource = process.env.npm_config_build_from_source === 'true';
if (!fromSource && findAddon(root) !== null) process.exit(0);

const cmake = spawnSync('cmake', ['--version'], { stdio: 'ignore' });
if (cmake.error !== undefined || cmake.status !== 0) {
  console.error(`${missingAddonMessage(root)}\n(The install step looked for cmake to build it from source and found none on PATH.)`);
  process.exit(1);
}

console.error(`@overlapped/winsock-native: building the addon from source for ${process.platform}-${process.arch} (cmake-js)`);
const cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(
    '@overlapped/winsock-native: the source build failed (its output is above). It needs cmake, a C++17 compiler ' +
      "and, on Linux, Node's own headers (uv.h beside the node binary). Fix that, then run " +
      '`npm rebuild @overlapped/winsock-native`.',
  );
  process.exit(1);
}
