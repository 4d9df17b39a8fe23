import { libraryConfig } from '../../tsup.shared';

// lib/platform.ts is an entry of its own: the install step (scripts/install.mjs) imports dist/platform.js
// without loading the addon.
export default libraryConfig('lib/index.ts', 'lib/platform.ts');
