/** Tags as typed in one comma-separated field: trimmed, without blanks or repeats. */
export const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/** The tags a comma-separated field will save, as chips under it; nothing while it is empty. */
export function TagChips({ text }: { text: string }) {
  const tags = splitTags(text);
  if (tags.length === 0) return null;
  return (
    <div className="row wrap">
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </div>
  );
}
