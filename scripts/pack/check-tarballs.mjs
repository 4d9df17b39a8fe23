#!/usr/bin/env node
// What the packed tarballs hold (scripts/check-pack.sh): every published package, each with its README, its
// entry points and bin files (a `#!/usr/bin/env node` first line), no `workspace:` range left, no tests, sources
// of the TypeScript, build trees or logs; @overlapped/winsock-native with the two prebuilt addons (an ELF and a
// PE file), the install step and what a source build needs. Prints one line per tarball with its size.
//
//   node check-tarballs.mjs <dir with the .tgz files>
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const PACKAGES = ['cli', 'core', 'protocol', 'winsock-native', 'game-server', 'dummy-client'];
const JUNK = [/(^|\/)(test|tests|__tests__)\//, /\.test\./, /\.log$/, /(^|\/)node_modules\//, /(^|\/)build(-[\w]+)?\//,
  /^lib\//, /^src\/.*\.ts$/, /\.tsbuildinfo$/, /(^|\/)\.cache\//, /tsup\.config|vitest\.config|tsconfig/];
const NATIVE = ['prebuilds/linux-x64/node.napi.node', 'prebuilds/win32-x64/node.napi.node', 'scripts/install.mjs',
  'dist/platform.js', 'CMakeLists.txt', 'cmake/windows.cmake', 'src/addon.cc'];

const problems = [];
const tar = (...args) => execFileSync('tar', args, { maxBuffer: 64 << 20 });
const read = (file, path) => tar('xzOf', file, `package/${path}`);

const files = readdirSync(dir).filter((name) => name.endsWith('.tgz')).sort();
const expected = PACKAGES.map((name) => `overlapped-${name}-`);
for (const prefix of expected)
  if (!files.some((name) => name.startsWith(prefix))) problems.push(`no tarball ${prefix}<version>.tgz in ${dir}`);

for (const name of files) {
  const file = join(dir, name);
  const entries = tar('tzf', file).toString().split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));
  const has = (path) => entries.includes(path.replace(/^\.\//, ''));
  const manifest = JSON.parse(read(file, 'package.json').toString());
  const problem = (what) => problems.push(`${name}: ${what}`);

  if (manifest.private) problem('is private');
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {}))
    if (String(range).startsWith('workspace:')) problem(`dependency ${dep} is still ${range}`);
  if (!has('README.md')) problem('has no README.md');
  for (const path of entries) if (JUNK.some((pattern) => pattern.test(path))) problem(`holds ${path}`);
  const entryFiles = [manifest.main, manifest.types, ...Object.values(manifest.exports?.['.'] ?? {})].filter(Boolean);
  for (const path of entryFiles) if (!has(path)) problem(`its entry ${path} is missing`);
  for (const [bin, path] of Object.entries(manifest.bin ?? {})) {
    if (!has(path)) problem(`bin ${bin}: ${path} is missing`);
    else if (!read(file, path.replace(/^\.\//, '')).toString().startsWith('#!/usr/bin/env node\n')) problem(`bin ${bin}: ${path} has no node shebang`);
  }
  if (manifest.name === '@overlapped/winsock-native') {
    for (const path of NATIVE) if (!has(path)) problem(`${path} is missing`);
    const magic = (path) => (has(path) ? read(file, path).subarray(0, 4).toString('latin1') : '');
    if (magic(NATIVE[0]) !== '\x7fELF') problem(`${NATIVE[0]} is not an ELF file`);
    if (!magic(NATIVE[1]).startsWith('MZ')) problem(`${NATIVE[1]} is not a PE (Windows) file`);
  }
  console.log(`${name}: ${(statSync(file).size / 1024).toFixed(1)} KiB, ${entries.length} files`);
}

for (const problem of problems) console.log(`FAIL ${problem}`);
console.log(problems.length === 0 ? 'tarballs: OK' : `tarballs: ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
