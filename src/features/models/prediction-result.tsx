import { ErrorBox } from '@/components/ui/error-box';
import { numeric, Table } from '@/components/ui/table';
import { readConsensusOutput } from '@/features/outputs/consensus-output';
import { ConsensusOutputView } from '@/features/outputs/consensus-output-view';
import { CachedBadge } from '@/features/jobs/cached-badge';
import { MoleculeImage } from '@/features/outputs/molecule-image';
import { schemaFields } from '@/features/outputs/schema';
import { formatDuration, formatValue } from '@/lib/format';
import type { Prediction } from '@/lib/types';

interface Props {
  prediction: Prediction;
  outputSchema: Record<string, unknown>;
  smilesField?: string;
  roundTripMs: number | null;
}

export function PredictionResult({ prediction, outputSchema, smilesField, roundTripMs }: Props) {
  const canonical = smilesField ? prediction.input[smilesField] : undefined;
  const output = prediction.output ?? {};
  const titles = new Map(schemaFields(outputSchema).map((f) => [f.name, f.title ?? f.name]));
  // Schema order first, then anything the model returned beyond its schema.
  const keys = [...[...titles.keys()].filter((k) => k in output), ...Object.keys(output).filter((k) => !titles.has(k))];

  return (
    <div className="prediction" data-testid="prediction-result">
      <div className="prediction-meta muted" data-testid="prediction-latency">
        {prediction.model}@{prediction.version} ·{' '}
        {prediction.cachedFrom ? <CachedBadge from={prediction.cachedFrom} /> : <>model {formatDuration(prediction.durationMs)}</>}
        {roundTripMs !== null && <> · round trip {formatDuration(roundTripMs)}</>}
      </div>
      {typeof canonical === 'string' && (
        <div className="prediction-molecule">
          <MoleculeImage smiles={canonical} width={200} height={150} testId="prediction-molecule" />
          <div>
            <div className="label">Canonical SMILES</div>
            <code className="smiles" data-testid="prediction-canonical">
              {canonical}
            </code>
          </div>
        </div>
      )}
      {prediction.error ? (
        <ErrorBox code={prediction.error.code} message={prediction.error.message} testId="prediction-error" />
      ) : readConsensusOutput(output) ? (
        <div data-testid="prediction-output">
          <ConsensusOutputView output={output} />
        </div>
      ) : (
        <Table head={['Output', numeric('Value')]} testId="prediction-output">
          {keys.map((k) => (
            <tr key={k} data-testid={`prediction-row-${k}`}>
              <td>
                {titles.get(k) ?? k} <code className="muted small">{k}</code>
              </td>
              <td className="num" data-testid={`prediction-value-${k}`}>
                {formatValue(output[k])}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
