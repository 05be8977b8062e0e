'use client';

import { useMemo, useState } from 'react';
import type { Evaluation } from '@/lib/types';
import { MAIN_COLOUR, MEMBER_COLOURS, ParityPlot } from './parity-plot';

/** The parity plot with its legend: the model's points always, each member's on demand. */
export function ParityCard({ evaluation: e }: { evaluation: Evaluation }) {
  const memberKeys = useMemo(() => e.metrics.filter((m) => m.role === 'member').map((m) => m.name), [e.metrics]);
  const [shown, setShown] = useState<string[]>([]);
  const members = useMemo(
    () => memberKeys.flatMap((key, i) => (shown.includes(key) ? [{ key, colour: MEMBER_COLOURS[i % MEMBER_COLOURS.length] }] : [])),
    [memberKeys, shown],
  );
  const predicted = e.points.filter((p) => p.predicted !== null).length;
  const toggle = (key: string) => setShown((s) => (s.includes(key) ? s.filter((k) => k !== key) : [...s, key]));

  return (
    <section className="card stack-sm" data-testid="parity-card">
      <div className="row spread wrap">
        <h2>Parity plot</h2>
        <span className="muted small" data-testid="parity-count">
          {predicted.toLocaleString()} of {e.points.length.toLocaleString()} molecules predicted
        </span>
      </div>
      <div className="parity-legend" data-testid="parity-legend">
        <span className="legend-item">
          <span className="legend-swatch" style={{ background: MAIN_COLOUR }} aria-hidden />
          <code>
            {e.model}@{e.version}
          </code>
          {e.isConsensus ? ' (consensus)' : ''}
        </span>
        {memberKeys.map((key, i) => (
          <button
            key={key}
            type="button"
            className={shown.includes(key) ? 'legend-item legend-toggle on' : 'legend-item legend-toggle'}
            aria-pressed={shown.includes(key)}
            onClick={() => toggle(key)}
            data-testid={`parity-toggle-${key}`}
          >
            <span className="legend-swatch" style={{ background: MEMBER_COLOURS[i % MEMBER_COLOURS.length] }} aria-hidden />
            member <code>{key}</code>
          </button>
        ))}
      </div>
      <div className="parity-wrap">
        <ParityPlot points={e.points} members={members} quantity={e.dataset.valueName} units={e.dataset.units} />
      </div>
    </section>
  );
}
