/**
 * A count with its noun in the right number: `countNoun(1, "field")` is "1 field", `countNoun(2, "field")`
 * "2 fields"; give the plural where adding "s" is wrong (`countNoun(n, "person", "people")`). For every count
 * a person reads, instead of "field(s)" or a plural that is wrong for one. components/ui/count-noun.ts is its
 * twin for the console's components, which import no values from lib/.
 */
export function countNoun(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
