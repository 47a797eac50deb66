/** refa, a 1 MB CommonJS bundle, loaded through `require` (see ../engine/cjs.ts). */
import type * as Refa from 'refa';
import { requireCjs } from '../engine/cjs.js';

export const refa = requireCjs('refa') as typeof Refa;
