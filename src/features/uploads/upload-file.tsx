'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ChangeEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Table, numeric } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc';
import type { ReceivedUpload } from '@/server/uploads/uploads.types';
import { sendFile, UploadRefused } from './send-file';

const BAD_PAGE = 50;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * "Upload a file": a CSV, TSV, SMILES or SDF file (gzipped or not) is streamed to the gateway,
 * then previewed (first rows, bad rows by line, estimate) and run on `model` as one screen.
 */
export function UploadFile({ model, label }: { model: string; label?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [received, setReceived] = useState<ReceivedUpload | null>(null);
  const [refused, setRefused] = useState<UploadRefused | null>(null);
  const [badAfter, setBadAfter] = useState<number[]>([0]);

  const view = useQuery({
    ...trpc.uploads.get.queryOptions({ uploadId: received?.uploadId ?? '00000000-0000-0000-0000-000000000000', model: model || undefined, badAfterLine: badAfter[badAfter.length - 1], badLimit: BAD_PAGE }),
    enabled: !!received,
  });
  const submit = useMutation(trpc.uploads.submit.mutationOptions({ onSuccess: (job) => router.push(`/jobs/${job.id}`) }));

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setReceived(null);
    setRefused(null);
    setBadAfter([0]);
    setProgress({ sent: 0, total: file.size });
    try {
      setReceived(await sendFile(file, { onProgress: (sent, total) => setProgress({ sent, total }) }));
    } catch (err) {
      setRefused(err instanceof UploadRefused ? err : new UploadRefused('INTERNAL', String(err)));
    } finally {
      setProgress(null);
    }
  }

  const v = view.data;
  const e = v?.estimate;
  return (
    <section className="card stack-sm" data-testid="upload">
      <h2>Upload a file</h2>
      <p className="muted small">
        CSV or TSV with a header (a <code>smiles</code> column, optionally an <code>id</code> or <code>name</code> column), a SMILES file (<code>SMILES name</code> a line) or an SDF file; gzipped too. Up
        to 10,000,000 molecules.
      </p>
      <input type="file" className="input" accept=".csv,.tsv,.tab,.smi,.smiles,.sdf,.sd,.gz,.txt" onChange={onFile} disabled={!!progress || submit.isPending} data-testid="upload-file-input" />
      {progress && (
        <div className="stack-sm" data-testid="upload-progress">
          <progress max={progress.total || 1} value={progress.sent} />
          <small className="muted">
            {progress.sent < progress.total ? `Sending ${mb(progress.sent)} of ${mb(progress.total)}…` : 'Reading the molecules…'}
          </small>
        </div>
      )}
      {refused && <ErrorBox code={refused.code} message={refused.message} testId="upload-error" />}
      {received && view.isPending && <span className="muted">Loading the preview…</span>}
      {view.isError && <ErrorBox error={view.error} testId="upload-view-error" />}
      {v && (
        <>
          <div className="row wrap" data-testid="upload-counts">
            <strong>{v.rowsGood.toLocaleString()}</strong> molecules to run
            {v.rowsBad > 0 && <span className="muted">· {v.rowsBad.toLocaleString()} bad rows (each becomes a failed result naming its line)</span>}
            <span className="muted">
              · {v.format.toUpperCase()}
              {v.gzip ? ', gzipped' : ''}
              {v.smilesColumn ? `, SMILES from "${v.smilesColumn}"` : ''}
              {v.idColumn ? `, ids from "${v.idColumn}"` : ''}
            </span>
          </div>
          {v.preview.length === 0 ? (
            <p className="muted" data-testid="upload-preview">
              No good rows: nothing would run.
            </p>
          ) : (
            <Table head={[numeric('Line'), 'Id', 'Molecule']} className="compact" testId="upload-preview">
              {v.preview.map((r) => (
                <tr key={r.line}>
                  <td className="num">{r.line}</td>
                  <td>{r.externalId ?? <span className="muted">—</span>}</td>
                  <td className="mono">{r.smiles ?? (r.molblockTitle !== null ? `MOL block${r.molblockTitle ? `: ${r.molblockTitle}` : ''}` : '')}</td>
                </tr>
              ))}
            </Table>
          )}
          {v.rowsBad > 0 && (
            <div className="stack-sm" data-testid="upload-bad-rows">
              <Table head={[numeric('Line'), 'Reason']} className="compact">
                {v.bad.items.map((r) => (
                  <tr key={r.line} data-testid="upload-bad-row">
                    <td className="num">{r.line}</td>
                    <td>{r.error}</td>
                  </tr>
                ))}
              </Table>
              <div className="row">
                <button type="button" className="btn btn-sm" disabled={badAfter.length === 1} onClick={() => setBadAfter(badAfter.slice(0, -1))}>
                  Previous
                </button>
                <button type="button" className="btn btn-sm" disabled={v.bad.nextLine === null} onClick={() => v.bad.nextLine !== null && setBadAfter([...badAfter, v.bad.nextLine])}>
                  Next
                </button>
              </div>
            </div>
          )}
          <div className="muted small" data-testid="upload-estimate">
            {e ? (
              <>
                {e.items.toLocaleString()} {e.items === 1 ? 'item' : 'items'} in {e.tasks.toLocaleString()} {e.tasks === 1 ? 'task' : 'tasks'} on {e.model}@{e.version}
                {e.estimatedSeconds !== null ? ` · about ${e.estimatedSeconds} s once a worker starts` : ` · at most ${e.upperBoundSeconds} s`}
                {e.cost.cost !== null ? ` · about ${e.cost.cost.toFixed(4)} ${e.cost.currency}` : ''}
              </>
            ) : (
              'Choose a model to see an estimate.'
            )}
          </div>
          <div className="row spread">
            <span />
            <button
              type="button"
              className="btn btn-primary"
              disabled={!model || v.rowsGood === 0 || v.status !== 'ready' || submit.isPending}
              onClick={() => submit.mutate({ uploadId: v.id, model, label: label?.trim() || undefined })}
              data-testid="upload-submit"
            >
              {submit.isPending ? 'Submitting…' : `Run screen (${v.rowsTotal.toLocaleString()} rows)`}
            </button>
          </div>
          {submit.isError && <ErrorBox error={submit.error} testId="upload-submit-error" />}
        </>
      )}
    </section>
  );
}
