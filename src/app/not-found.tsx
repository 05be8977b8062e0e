import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card auth-card" data-testid="not-found">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address. Check the link, or start from the model catalog.</p>
        <Link href="/models" className="btn btn-primary">
          Go to models
        </Link>
      </div>
    </main>
  );
}
