// Where the native addon comes from on this machine, and what a user is told when it cannot come from anywhere.
// One module for the loader (lib/binding.ts) and the install step (scripts/install.mjs, through dist/platform.js),
// so that install and load say the same thing.
//
// The addon is found the way node-gyp-build finds one (prebuildify's layout): a build from source in
// build/Release/ first, then the prebuild shipped for this platform in prebuilds/<platform>-<arch>/, one Node-API
// build serving every Node version (package.json "binary.napi_versions").
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What `cmake-js compile --out build` (the package's `build:native`, and the install step's source build) makes. */
export const SOURCE_BUILD = join('build', 'Release', 'winsock_native.node');

/** Every prebuild's file name: prebuildify's for a Node-API build for Node. */
const PREBUILD_FILE = 'node.napi.node';

/** The prebuild for a platform and architecture, relative to the package root. */
export const prebuildOf = (platform: string, arch: string): string => join('prebuilds', `${platform}-${arch}`, PREBUILD_FILE);

/** The engines are Linux's (epoll) and Windows' (Winsock). For any other platform: why not, as a sentence; else null. */
export function unsupportedReason(platform: string): string | null {
  if (platform === 'linux' || platform === 'win32') return null;
  const name = platform === 'darwin' ? 'macOS' : platform;
  return (
    `@overlapped/winsock-native does not support ${name} (${platform}) yet: it has a Linux engine (epoll) and a ` +
    `Windows one (Winsock), and no engine for ${name}, so there is nothing to build here. ` +
    'Use it on Linux or Windows (on macOS: in a Linux VM or container)'
  );
}

/** The addon file to load under the package root `root`, or null when there is none for this platform. */
export function findAddon(root: string, platform: string = process.platform, arch: string = process.arch): string | null {
  for (const candidate of [SOURCE_BUILD, prebuildOf(platform, arch)]) {
    const path = join(root, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The platforms prebuilt under `root`, as `<platform>-<arch>` names. */
export function prebuiltPlatforms(root: string): string[] {
  const dir = join(root, 'prebuilds');
  return existsSync(dir) ? readdirSync(dir).filter((name) => existsSync(join(dir, name, PREBUILD_FILE))).sort() : [];
}

/** Why there is no addon to load under `root` on a supported platform, and the commands that make one. */
export function missingAddonMessage(root: string, platform: string = process.platform, arch: string = process.arch): string {
  const prebuilt = prebuiltPlatforms(root);
  const tools =
    platform === 'win32'
      ? 'cmake and Visual Studio Build Tools (the "Desktop development with C++" workload)'
      : 'cmake, make and a C++17 compiler (Debian/Ubuntu: apt-get install cmake make g++)';
  return (
    `@overlapped/winsock-native: no native addon for ${platform}-${arch}: no prebuild ships for it ` +
    `(prebuilt: ${prebuilt.length > 0 ? prebuilt.join(', ') : 'none'}) and none was built from source into ` +
    `${join(root, SOURCE_BUILD)}. To build it, install ${tools}, then run \`npm rebuild @overlapped/winsock-native\` ` +
    'in your project: npm 11 and pnpm 10 skip a dependency\'s install step, which would have built it, unless it is ' +
    'allowed (in the overlapped repository: `pnpm build`).'
  );
}

/** How the addon's own errors at start begin (src: `"winsock-native: ..."`). */
const ADDON_REFUSAL = 'winsock-native: ';

/** Why the addon file at `path` (found by findAddon) failed to load, given the loader's error, and what to do. */
export function loadFailureMessage(path: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  // The addon itself loaded and refused to start (OVERLAPPED_BACKEND asks for an engine that cannot run, no
  // file descriptors left): its own sentence says what to do, and rebuilding would not help.
  if (why.startsWith(ADDON_REFUSAL)) return `@overlapped/${why}`;
  const advice = basename(path) === PREBUILD_FILE
    ? 'The prebuilds are made on Debian 12: the linux-x64 one needs glibc 2.34 and the libstdc++ of GCC 12 ' +
      '(GLIBCXX_3.4.30) or newer. Build the addon from source instead: `npm rebuild @overlapped/winsock-native ' +
      '--build-from-source`, with cmake, make and a C++17 compiler installed'
    : 'It is a build from source: rebuild it with `npm rebuild @overlapped/winsock-native` (in the overlapped ' +
      'repository: `pnpm build`)';
  return `@overlapped/winsock-native: the native addon ${path} does not load on this machine: ${why}. ${advice}.`;
}
