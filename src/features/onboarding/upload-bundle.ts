import type { ErrorCode } from '@/server/errors';
import type { UploadedBundle } from '@/shared/bundles';
export type { UploadedBundle };


export class BundleUploadError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Uploads a model folder's archive with the session cookie; refusals keep the gateway's code and message. */
export async function uploadBundle(file: Blob): Promise<UploadedBundle> {
  let res: Response;
  try {
    res = await fetch('/api/bundles', { method: 'POST', body: file, credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream' } });
  } catch (e) {
    throw new BundleUploadError('UNAVAILABLE', `the upload did not reach the gateway: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as Partial<UploadedBundle> & { error?: { message?: string; appCode?: ErrorCode } };
  if (!res.ok) throw new BundleUploadError(body.error?.appCode ?? 'UNAVAILABLE', body.error?.message ?? `the upload answered HTTP ${res.status}`);
  return body as UploadedBundle;
}
