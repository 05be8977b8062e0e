/** One line of text, numbered from 1, without its line ending. */
export interface Line {
  no: number;
  text: string;
  /** Longer than the splitter's limit: its text is dropped, not buffered. */
  tooLong: boolean;
}

/**
 * Splits text chunks into lines (LF or CRLF), holding at most one unfinished line of `maxChars`;
 * past that the line is reported as too long and the rest of it skipped.
 */
export class LineSplitter {
  private carry = '';
  private skipping = false;
  private no = 0;

  constructor(private readonly maxChars: number) {}

  push(text: string): Line[] {
    const out: Line[] = [];
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      this.emit(out, text.slice(from, nl));
      from = nl + 1;
    }
    if (from < text.length) {
      if (this.skipping) return out;
      this.carry += text.slice(from);
      if (this.carry.length > this.maxChars) {
        this.carry = '';
        this.skipping = true;
      }
    }
    return out;
  }

  end(): Line[] {
    const out: Line[] = [];
    if (this.carry || this.skipping) this.emit(out, '');
    return out;
  }

  private emit(out: Line[], tail: string): void {
    this.no++;
    if (this.skipping || this.carry.length + tail.length > this.maxChars) {
      out.push({ no: this.no, text: '', tooLong: true });
    } else {
      let text = this.carry ? this.carry + tail : tail;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      out.push({ no: this.no, text, tooLong: false });
    }
    this.carry = '';
    this.skipping = false;
  }
}
