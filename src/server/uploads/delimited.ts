/** One record of a CSV or TSV file: its fields and the 1-based line it starts on. */
export interface DelimitedRecord {
  line: number;
  fields: string[];
  /** Longer than the reader's limit: its fields are dropped. */
  tooLong: boolean;
  /** The file ended inside a quoted field. */
  unterminated: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * A streaming reader of delimited records with RFC 4180 quoting: a field in double quotes may
 * hold the delimiter, line breaks and `""` for a quote. Holds one unfinished record at most, of
 * up to `maxChars`; a longer record is reported as too long and the rest of it skipped.
 */
export function readDelimited(delimiter: ',' | '\t', maxChars: number) {
  const delim = delimiter.charCodeAt(0);
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let start = 1;
  let chars = 0;
  let tooLong = false;
  let pending = false; // something of the current record was read

  const endRecord = (out: DelimitedRecord[], unterminated = false) => {
    fields.push(field);
    out.push({ line: start, fields: tooLong ? [] : fields, tooLong, unterminated });
    fields = [];
    field = '';
    chars = 0;
    tooLong = false;
    pending = false;
  };

  function push(text: string): DelimitedRecord[] {
    const out: DelimitedRecord[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!pending) {
        start = line;
        pending = true;
      }
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (afterQuote) {
          afterQuote = false;
          if (c === QUOTE) {
            field += '"';
            i++;
            continue;
          }
          inQuotes = false; // the closing quote: this character is read as unquoted
        } else if (c === QUOTE) {
          afterQuote = true;
          i++;
          continue;
        } else {
          // A run of quoted text up to the next quote.
          let j = text.indexOf('"', i);
          if (j < 0) j = n;
          const run = text.slice(i, j);
          for (let k = run.indexOf('\n'); k >= 0; k = run.indexOf('\n', k + 1)) line++;
          add(run);
          i = j;
          continue;
        }
      }
      if (c === delim) {
        fields.push(field);
        field = '';
        i++;
      } else if (c === LF) {
        line++;
        endRecord(out);
        i++;
      } else if (c === CR) {
        i++;
      } else if (c === QUOTE && field === '') {
        inQuotes = true;
        i++;
      } else {
        // A run of unquoted text up to the next delimiter, line end or quote.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === LF || d === CR || d === QUOTE) break;
          j++;
        }
        // A quote inside an unquoted field is kept as text.
        if (j < n && text.charCodeAt(j) === QUOTE) j++;
        add(text.slice(i, j));
        i = j;
      }
    }
    return out;
  }

  function add(s: string): void {
    chars += s.length;
    if (chars > maxChars) {
      tooLong = true;
      field = '';
      fields = [];
      return;
    }
    if (!tooLong) field += s;
  }

  function end(): DelimitedRecord[] {
    const out: DelimitedRecord[] = [];
    if (inQuotes && !afterQuote) endRecord(out, true);
    else if (pending && (fields.length || field !== '' || tooLong)) endRecord(out);
    inQuotes = false;
    afterQuote = false;
    return out;
  }

  return { push, end };
}
