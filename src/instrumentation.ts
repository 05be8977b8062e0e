/** Runs once as the web server starts: without its secret key the gateway must not serve at all. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { secretKeys } = await import('./server/secrets/secret-key');
  try {
    secretKeys();
  } catch (e) {
    // Next would log this and keep serving; a gateway that cannot open its secrets stops instead.
    console.error(`[web] cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}
