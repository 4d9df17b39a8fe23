#!/usr/bin/env node
// Writes the event-model and callback-model programs of @overlapped/winsock-native's README (the first ```ts
// block under "## The event model" and under "## The callback model") into a project as event-model.ts and
// callback-model.ts, exactly as written there. scripts/check-pack.sh reads the README of the installed package,
// so the check runs what a user reads. Fails when a heading or its block is missing.
//
//   node readme-examples.mjs <README.md> <project dir>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [readme, project] = process.argv.slice(2);
const text = readFileSync(readme, 'utf8');
const EXAMPLES = { 'event-model.ts': '## The event model', 'callback-model.ts': '## The callback model' };

for (const [file, heading] of Object.entries(EXAMPLES)) {
  const at = text.split('\n').findIndex((line) => line.startsWith(heading));
  const block = at < 0 ? null : /^```ts\n([\s\S]*?)^```$/m.exec(text.split('\n').slice(at).join('\n'));
  if (block === null) {
    console.error(`readme-examples: no \`\`\`ts block under "${heading}" in ${readme}`);
    process.exit(1);
  }
  writeFileSync(join(project, file), block[1]);
  console.log(`${file}: ${block[1].split('\n').length - 1} lines from "${heading}"`);
}
