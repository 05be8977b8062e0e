import type { ConsensusValue, MemberValue } from '../src/server/consensus/strategy';

/** Member values from [member, value, weight?] triples; weight defaults to 1 as upstream. */
export function members(...rows: [string, ConsensusValue, number?][]): MemberValue[] {
  return rows.map(([member, value, weight = 1]) => ({ member, value, weight }));
}

/** Values named a, b, c, … in order. */
export function numbers(...xs: number[]): MemberValue[] {
  return xs.map((value, i) => ({ member: String.fromCharCode(97 + i), value, weight: 1 }));
}
