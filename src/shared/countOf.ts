/**
 * A count with its noun in the right number: `countOf(1, 'issue')` → "1 issue", `countOf(2_500, 'event')` →
 * "2,500 events". Irregular plurals take the plural form as the third argument.
 */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
