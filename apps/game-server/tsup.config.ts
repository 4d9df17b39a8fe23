import { programConfig } from '../../tsup.shared';

export default programConfig('src/main.ts');
