/** A progress bar with an ETA on stderr; plain lines (at most one a second) when stderr is not a terminal. */
export class Progress {
  private readonly started = Date.now();
  private firstDone: { at: number; done: number } | null = null;
  private lastLine = 0;
  private lastText = '';
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY) && process.env.TERM !== 'dumb';
  }

  /** Seconds left at the rate seen so far, or null before anything has finished. */
  private eta(done: number, total: number): number | null {
    const now = Date.now();
    if (!this.firstDone) {
      this.firstDone = { at: this.started, done: 0 };
    }
    const rate = (done - this.firstDone.done) / Math.max(1, now - this.firstDone.at);
    return done > 0 && rate > 0 ? Math.round((total - done) / rate / 1000) : null;
  }

  update(done: number, total: number, failed = 0, final = false): void {
    const finished = done + failed;
    const pct = total ? Math.floor((finished / total) * 100) : 100;
    const eta = this.eta(finished, total);
    const etaText = final ? `in ${fmt(Math.round((Date.now() - this.started) / 1000))}` : eta === null ? 'ETA --' : `ETA ${fmt(eta)}`;
    const counts = `${finished}/${total} (${pct}%)${failed ? `, ${failed} failed` : ''}`;
    if (this.tty) {
      const width = 30;
      const filled = Math.round((width * pct) / 100);
      this.out.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts} ${etaText}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const text = `${this.label}: ${counts}`;
    if (!final && (text === this.lastText || Date.now() - this.lastLine < 1000)) return;
    this.lastText = text;
    this.lastLine = Date.now();
    this.out.write(`${text} ${etaText}\n`);
  }
}

function fmt(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
