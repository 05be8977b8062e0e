import type { ErrorCode } from '@/server/errors';
import type { ReceivedUpload } from '@/server/uploads/uploads.types';

/** A refusal of POST /api/uploads, with the gateway's code. */
export class UploadRefused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends a File to POST /api/uploads as the request body: the browser streams it from disk, it is
 * never read into memory here. XMLHttpRequest rather than fetch, for upload progress.
 */
export function sendFile(file: File, o: { onProgress?: (sent: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?${new URLSearchParams({ filename: file.name })}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('x-gateway-client', 'web');
    xhr.upload.onprogress = (e) => o.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new UploadRefused('UNAVAILABLE', 'the gateway could not be reached; check the connection and send the file again'));
    xhr.onabort = () => reject(new UploadRefused('CANCELLED', 'the upload was cancelled'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201) return resolve(body as ReceivedUpload);
      const error = (body as { error?: { message?: string; appCode?: ErrorCode } } | null)?.error;
      reject(new UploadRefused(error?.appCode ?? 'INTERNAL', error?.message ?? `the gateway answered ${xhr.status}`));
    };
    o.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
