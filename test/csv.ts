/** Reads RFC 4180 CSV back into rows of fields (quoted fields, doubled quotes, CRLF or LF). For tests. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** SDF records: each one's title line and its `> <name>` data fields. For tests. */
export function parseSdf(text: string): { title: string; molblock: string; data: Record<string, string> }[] {
  return text
    .split(/^\$\$\$\$\r?\n?/m)
    .filter((r) => r.trim() !== '')
    .map((record) => {
      const [molblock, ...rest] = record.split(/^(?=> +<)/m);
      const data: Record<string, string> = {};
      for (const part of rest) {
        const m = /^> +<([^>]+)>[^\n]*\n([^\n]*)/.exec(part);
        if (m) data[m[1]] = m[2];
      }
      return { title: molblock.split(/\r?\n/)[0], molblock, data };
    });
}
