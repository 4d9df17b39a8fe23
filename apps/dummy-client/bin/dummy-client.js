#!/usr/bin/env node
// The `dummy-client` command. pnpm links a bin when it installs the workspace, before anything is built, and skips one
// whose file is missing: this file is always there, and the program it runs is the build (`pnpm build`).
import '../dist/main.js';
