// Child-side access to the addon's internal binding (lib/binding.ts's `native`), which dist/index.js does not
// export. NATIVE_PREAMBLE replaces PREAMBLE (helpers/child.ts) and defines, besides `ws`, `addr`, `sock`, `pair`:
//   native    the addon's exports: the very module instance behind `ws` (require caches a native module by path)
//   libHooks  the hooks object the library handed to native.configure() when it loaded, whatever fields it has,
//             so a script can swap one hook (`native.configure({ ...libHooks, markAsUntransferable })`) and put
//             them all back (`native.configure(libHooks)`)
import { PREAMBLE } from './child.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;

export const NATIVE_PREAMBLE = `
const { createRequire } = await import('node:module');
const { fileURLToPath } = await import('node:url');
const nativeFlavour = process.env.OVERLAPPED_NATIVE_BUILD ? 'build-' + process.env.OVERLAPPED_NATIVE_BUILD : 'build';
const native = createRequire(${JSON.stringify(DIST)})(fileURLToPath(new URL('../' + nativeFlavour + '/Release/winsock_native.node', ${JSON.stringify(DIST)})));
let libHooks = null;
{
  const configure = native.configure;
  native.configure = function (hooks) {
    if (libHooks === null) libHooks = hooks;
    return configure.call(this, hooks);
  };
}
${PREAMBLE}
if (native.WSAOVERLAPPED !== ws.WSAOVERLAPPED) throw new Error('the child loaded a second instance of the addon');
if (libHooks === null) throw new Error('the library did not call native.configure() when it loaded');
`;
