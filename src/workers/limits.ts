/** The longest any model may take on one item, whatever its version says (GATEWAY_MAX_TIMEOUT_MS, default 10 min). */
export const MAX_TIMEOUT_MS = Number(process.env.GATEWAY_MAX_TIMEOUT_MS ?? 10 * 60_000);

/** A version's per-item timeout, capped by the gateway's limit. */
export function effectiveTimeoutMs(timeoutMs: number): number {
  return Math.max(100, Math.min(timeoutMs, MAX_TIMEOUT_MS));
}
