/**
 * Who an anonymous request comes from: the first address of X-Forwarded-For (Next.js sets it to
 * the peer's address when the client did not send one; behind a proxy, the proxy's value), else
 * X-Real-IP.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return (forwarded || headers.get('x-real-ip')?.trim() || 'unknown').slice(0, 100);
}
