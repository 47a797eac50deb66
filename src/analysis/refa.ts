/**
 * refa, loaded on first use through `require` (see ../engine/cjs.ts): a project whose origins are all literals
 * or fixed values never builds an automaton, and loading refa took about 70 ms of its start-up.
 */
import type * as Refa from 'refa';
import { requireCjs } from '../engine/cjs.js';

let loaded: typeof Refa | undefined;

export function refa(): typeof Refa {
  loaded ??= requireCjs('refa') as typeof Refa;
  return loaded;
}
