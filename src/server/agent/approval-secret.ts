import { hkdfSync } from 'node:crypto';
import { secretKeys } from '../secrets/secret-key';

/**
 * The key the AI SDK signs tool approvals with (`experimental_toolApprovalSecret`), derived from
 * GATEWAY_SECRET_KEY: the same on every web process, never sent to a client.
 */
export function toolApprovalSecret(): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secretKeys().mac, Buffer.alloc(0), 'model-gateway agent tool approvals v1', 32));
}
