/**
 * Accepting a large file: `lines` generated SMILES lines streamed to POST /api/uploads (never a
 * string in memory on this side either), timed from the first byte sent to the answer. The lead
 * wires it into bench/run.ts; `smiLines` is also what uploads.int.test.ts streams.
 */
import { Readable } from 'node:stream';

/** `lines` lines of `SMILES id`, generated as they are read, in ~64 KiB chunks. */
export function* smiLines(lines: number): Generator<Buffer> {
  let batch = '';
  for (let i = 0; i < lines; i++) {
    batch += `C${'C'.repeat(i % 12)}O mol-${i}\n`;
    if (batch.length > 64 * 1024) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

export interface UploadBench {
  uploadId: string;
  lines: number;
  bytes: number;
  rowsTotal: number;
  rowsBad: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Uploads `lines` SMILES lines with an API token and reports how long the gateway took to accept them. */
export async function benchUpload(baseUrl: string, token: string, lines = 1_000_000): Promise<UploadBench> {
  let bytes = 0;
  const counted = Readable.from(
    (function* () {
      for (const chunk of smiLines(lines)) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/uploads?filename=bench-${lines}.smi`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: Readable.toWeb(counted) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const answer = (await res.json()) as { uploadId?: string; rowsTotal?: number; rowsBad?: number; error?: { message: string } };
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 201) throw new Error(`POST /api/uploads answered ${res.status}: ${answer.error?.message ?? JSON.stringify(answer)}`);
  return { uploadId: answer.uploadId!, lines, bytes, rowsTotal: answer.rowsTotal!, rowsBad: answer.rowsBad!, seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(answer.rowsTotal! / seconds) };
}
