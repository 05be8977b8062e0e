export function ProgressBar({ done, failed, total, testId }: { done: number; failed: number; total: number; testId?: string }) {
  const pct = (n: number) => (total > 0 ? (100 * n) / total : 0);
  const overall = total > 0 ? Math.round(pct(done + failed)) : 100;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={overall}
      data-testid={testId}
    >
      <div className="progress-done" style={{ width: `${pct(done)}%` }} />
      <div className="progress-failed" style={{ width: `${pct(failed)}%` }} />
    </div>
  );
}
