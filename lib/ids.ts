import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower-case
const RANDOM_CHARACTERS = 16;
/** Random bytes fetched at once: one call to the CSPRNG per 256 ids instead of one per id (≈ 5 µs each here). */
const POOL_BYTES = RANDOM_CHARACTERS * 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Prefixed, time-sortable ids (`agt_01j…`): a pasted id says what it is, and ids sort by creation.
 * 10 characters of milliseconds, then 16 of randomness (80 bits: each character takes 5 bits of
 * one byte, without bias since 256 is a multiple of 32). The random bytes come from node:crypto in
 * blocks, as Node's own randomUUID does; each byte is used once.
 */
export function newId(prefix: string): string {
  let time = Date.now();
  let timePart = "";
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  if (offset + RANDOM_CHARACTERS > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  let randomPart = "";
  for (let i = 0; i < RANDOM_CHARACTERS; i++) randomPart += ALPHABET[pool[offset + i]! % 32];
  offset += RANDOM_CHARACTERS;
  return `${prefix}_${timePart}${randomPart}`;
}
