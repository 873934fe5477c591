import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower-case

/**
 * Prefixed, time-sortable ids (`agt_01j…`): a pasted id says what it is, and ids sort by creation.
 * 10 characters of milliseconds, then 16 of randomness (80 bits).
 */
export function newId(prefix: string): string {
  let time = Date.now();
  let timePart = "";
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  const random = randomBytes(16);
  let randomPart = "";
  for (let i = 0; i < 16; i++) randomPart += ALPHABET[random[i]! % 32];
  return `${prefix}_${timePart}${randomPart}`;
}
