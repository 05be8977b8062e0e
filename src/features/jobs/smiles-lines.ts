/** One SMILES per line; anything after the first tab or space (a name, an id) is ignored. */
export function parseSmilesLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().split(/[\t ]+/)[0] ?? '')
    .filter((s) => s.length > 0 && !s.startsWith('#'));
}
