// Where the addon is loaded from (lib/platform.ts), on real package layouts in a temporary directory: a source
// build wins over a prebuild, each platform finds only its own prebuild, and what a user is told when there is
// none, or when the platform has no engine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import {
  SOURCE_BUILD, findAddon, loadFailureMessage, missingAddonMessage, prebuildOf, prebuiltPlatforms, unsupportedReason,
} from '../lib/platform.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'winsock-native-layout-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function place(relative: string): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  return path;
}

describe('findAddon', () => {
  it('finds the prebuild of the platform asked for, and no other', () => {
    const linux = place(prebuildOf('linux', 'x64'));
    const windows = place(prebuildOf('win32', 'x64'));
    expect(findAddon(root, 'linux', 'x64')).toBe(linux);
    expect(findAddon(root, 'win32', 'x64')).toBe(windows);
    expect(findAddon(root, 'linux', 'arm64')).toBeNull();
    expect(prebuiltPlatforms(root)).toEqual(['linux-x64', 'win32-x64']);
  });

  it('prefers a build from source to the prebuild', () => {
    place(prebuildOf('linux', 'x64'));
    const built = place(SOURCE_BUILD);
    expect(findAddon(root, 'linux', 'x64')).toBe(built);
    expect(findAddon(root, 'linux', 'arm64')).toBe(built);
  });
});

describe('what a user is told', () => {
  it('macOS and other platforms without an engine: not supported, by name', () => {
    expect(unsupportedReason('linux')).toBeNull();
    expect(unsupportedReason('win32')).toBeNull();
    expect(unsupportedReason('darwin')).toMatch(/does not support macOS \(darwin\) yet/);
    expect(unsupportedReason('freebsd')).toMatch(/does not support freebsd \(freebsd\) yet/);
  });

  it('no addon on a supported platform: which prebuilds exist, what to install, what to run', () => {
    place(prebuildOf('win32', 'x64'));
    const linux = missingAddonMessage(root, 'linux', 'arm64');
    expect(linux).toContain('no native addon for linux-arm64');
    expect(linux).toContain('(prebuilt: win32-x64)');
    expect(linux).toContain('apt-get install cmake make g++');
    expect(linux).toContain('npm rebuild @overlapped/winsock-native');
    expect(missingAddonMessage(root, 'win32', 'arm64')).toContain('Visual Studio Build Tools');
  });
});

describe('an addon that does not load', () => {
  /** What Node's loader throws for the file: here an empty file where a shared object should be. */
  function loadError(path: string): unknown {
    try {
      createRequire(import.meta.url)(path);
    } catch (error) {
      return error;
    }
    throw new Error(`${path} loaded`);
  }

  it('a prebuild: the loader\'s reason, what the prebuild needs, and the source build instead', () => {
    const path = place(prebuildOf('linux', 'x64'));
    const message = loadFailureMessage(path, loadError(path));
    expect(message).toContain(`the native addon ${path} does not load on this machine`);
    expect(message).toMatch(/glibc 2\.34/);
    expect(message).toContain('npm rebuild @overlapped/winsock-native --build-from-source');
  });

  it('a source build: rebuild it', () => {
    const path = place(SOURCE_BUILD);
    const message = loadFailureMessage(path, loadError(path));
    expect(message).toContain(`the native addon ${path} does not load on this machine`);
    expect(message).toContain('rebuild it with `npm rebuild @overlapped/winsock-native`');
  });
});
