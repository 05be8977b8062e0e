import { TRPCError } from '@trpc/server';
import { AppError } from '../errors';

/** Request bodies above this are refused while they stream (a job of 100,000 SMILES fits). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Most procedure calls one batched tRPC request may carry. */
export const MAX_BATCH_SIZE = 20;

function tooLarge(limit: number, what: string): TRPCError {
  const e = new AppError('PAYLOAD_TOO_LARGE', `the request body is ${what}; the limit is ${limit} bytes. Split the inputs into several jobs, or upload a file`, { limit });
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: e.message, cause: e });
}

/** How long the rest of an oversize body is read and dropped before the connection is cut. */
const DISCARD_MS = 1000;

/**
 * Reads and drops what still arrives for a moment, then cancels. Cancelling at once closes the
 * socket with unread data, and the TCP reset that follows can destroy the 413 before the client
 * reads it; a short grace lets the answer through, and the time bound keeps an endless body cheap.
 */
async function discardThenCancel(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  const until = Date.now() + DISCARD_MS;
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DISCARD_MS).unref());
  try {
    while (Date.now() < until) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === 'timeout' || next.done) break;
    }
  } catch {
    // The client went away: nothing left to drop.
  }
  await reader.cancel().catch(() => {});
}

/**
 * The same request with a body that errors once more than `limit` bytes have arrived, whatever
 * the Content-Length says. tRPC reads the body through it, so an oversize body ends as a typed 413.
 */
export function limitRequestBody(req: Request, limit: number): Request {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (!req.body || req.method === 'GET' || req.method === 'HEAD') return req;
  let seen = 0;
  const reader = req.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (declared > limit) {
        controller.error(tooLarge(limit, `${declared} bytes`));
        void discardThenCancel(reader);
        return;
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > limit) {
        controller.error(tooLarge(limit, `over ${limit} bytes`));
        void discardThenCancel(reader);
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Request(req.url, { method: req.method, headers: req.headers, body, duplex: 'half' } as RequestInit);
}
