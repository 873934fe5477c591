/**
 * A count with its noun in the right number: `countNoun(1, "row")` is "1 row", `countNoun(2, "row")` "2 rows";
 * give the plural where adding "s" is wrong. Never "row(s)". The twin of lib/count-noun.ts, for the console's
 * own wording (components/ imports no values from lib/).
 */
export function countNoun(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
