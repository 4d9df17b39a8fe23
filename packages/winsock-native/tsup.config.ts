import { libraryConfig } from '../../tsup.shared';

export default libraryConfig('lib/index.ts');
