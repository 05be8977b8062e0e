import { ConsensusOutputView } from '@/features/outputs/consensus-output-view';
import type { SmokeTest } from '@/lib/types';
import type { PublishStep } from './use-consensus-publish';

const ICONS: Record<PublishStep['state'], string> = { pending: '○', running: '', done: '✓', failed: '✗' };

/** The four calls of "Create, test and publish", each ✓ or ✗ with the server's message. */
export function ConsensusPublishProgress({ steps, smoke }: { steps: PublishStep[]; smoke: SmokeTest | null }) {
  return (
    <div className="stack-sm" data-testid="consensus-progress">
      <ol className="progress-steps">
        {steps.map((s) => (
          <li key={s.id} className={`progress-step ${s.state}`} data-testid={`consensus-step-${s.id}`} data-state={s.state}>
            <span className="progress-step-icon" aria-hidden>
              {s.state === 'running' ? <span className="spinner" /> : ICONS[s.state]}
            </span>
            <div>
              <div>{s.label}</div>
              {s.state === 'failed' && (
                <div className="progress-step-error" role="alert">
                  <span className="error-code" data-testid={`consensus-step-${s.id}-code`}>
                    {s.code}
                  </span>{' '}
                  <span data-testid={`consensus-step-${s.id}-message`}>{s.message}</span>
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
      {smoke?.ok && smoke.output && (
        <div data-testid="consensus-smoke-output">
          <div className="label">Smoke test answer</div>
          <ConsensusOutputView output={smoke.output} testId="consensus-smoke" />
        </div>
      )}
    </div>
  );
}
