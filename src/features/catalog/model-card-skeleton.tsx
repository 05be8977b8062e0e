export function ModelCardSkeleton() {
  return (
    <div className="card model-card skeleton-card" aria-hidden>
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-line short" />
      <div className="skeleton skeleton-line" />
      <div className="skeleton skeleton-line" />
      <div className="skeleton skeleton-line short" />
    </div>
  );
}
