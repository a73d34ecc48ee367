/**
 * Deterministic identifiers drawn from a seeded {@link Rng}, in Docker's shapes: 25-character
 * lowercase base-36 ids for swarm objects, 64-hex ids for containers and images.
 */
import type { Rng } from './Rng';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/** A 25-character base-36 id, like a swarm node, service or task id. */
export function swarmObjectId(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 25; i++) out += BASE36[rng.nextUint32() % 36];
  return out;
}

/** A 64-hex-digit id, like a container or image id. */
export function hexId(rng: Rng, length = 64): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[rng.nextUint32() & 15];
  return out;
}
