import type { Deps } from '../deps';
import { AppError } from '../errors';
import { downloadResults } from '../jobs/results.service';
import { RESULT_FORMATS, ZResultsFilter } from '../jobs/results.schema';
import type { Viewer } from '../users/viewer';
import { readResultsSearchParams } from '../../shared/results-query';
import { errorResponse } from './http-errors';

/**
 * GET /api/jobs/{jobId}/results?format=csv|sdf&status=&range=field:min:max&sort=&direction=: a
 * job's results as a file, streamed (the Next route and the clients' test server both call this).
 * A session cookie or a Bearer token with the `read` scope; another user's job is NOT_FOUND.
 */
export async function handleResultsDownload(deps: Pick<Deps, 'db'>, viewer: Viewer | null, url: URL, jobId: string): Promise<Response> {
  try {
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    if (!viewer.scopes.includes('read')) throw new AppError('FORBIDDEN', 'this API token lacks the "read" scope; create a token that may read on the settings page');
    const format = url.searchParams.get('format') ?? 'csv';
    if (!(RESULT_FORMATS as readonly string[]).includes(format)) throw new AppError('INVALID_INPUT', `format: "${format.slice(0, 20)}" is not one of ${RESULT_FORMATS.join(', ')}`, { field: 'format' });
    if (!/^[0-9a-f-]{36}$/i.test(jobId)) throw new AppError('NOT_FOUND', `no job ${jobId.slice(0, 64)} visible to you`);
    const parsed = ZResultsFilter.safeParse(readResultsSearchParams(url.searchParams));
    if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const download = await downloadResults(deps, viewer, { ...parsed.data, jobId, format: format as (typeof RESULT_FORMATS)[number] });
    return new Response(textStream(download.body), {
      headers: {
        'content-type': download.contentType,
        'content-disposition': `attachment; filename="${download.filename}"`,
        'cache-control': 'no-store',
        'x-result-rows': String(download.rows),
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Pulls text from `source` only as fast as the client reads it; a client that goes away closes the source. */
function textStream(source: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (e) {
        console.error('[results download]', e);
        controller.error(e);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}
