import { Badge } from '@/components/ui/badge';

/** Shown when the members disagree more than the consensus's threshold. */
export function HighSpreadBadge({ testId = 'high-spread' }: { testId?: string }) {
  return (
    <Badge tone="amber" testId={testId}>
      <span aria-hidden>⚠</span> high spread
    </Badge>
  );
}
