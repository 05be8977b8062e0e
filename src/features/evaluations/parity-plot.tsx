'use client';

import { memo, useMemo } from 'react';
import type { EvaluationPoint } from '@/lib/types';
import { parityAxis, tickLabel } from './parity';

/** Colours for members, in order; the consensus (or a single model) is the brand blue. */
export const MEMBER_COLOURS = ['#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f59f00', '#d6336c'];
export const MAIN_COLOUR = '#3b5bdb';

const SIZE = 560;
const M = { left: 64, right: 16, top: 16, bottom: 52 };
const PLOT = SIZE - M.left - M.right;

interface Props {
  points: EvaluationPoint[];
  /** Members whose points are shown, each with its colour. */
  members: { key: string; colour: string }[];
  quantity: string;
  units: string | null;
}

const fmt = (v: number) => v.toFixed(2);

function scales(lo: number, hi: number) {
  const scale = (v: number) => ((v - lo) / (hi - lo)) * PLOT;
  return { sx: (v: number) => M.left + scale(v), sy: (v: number) => M.top + PLOT - scale(v) };
}

interface Dot {
  x: number;
  y: number;
  title: string;
}

const Dots = memo(function Dots({ dots, colour, testId, member }: { dots: Dot[]; colour: string; testId: string; member?: string }) {
  return (
    <g fill={colour} fillOpacity={0.5} stroke={colour} strokeOpacity={0.85} strokeWidth={0.6} data-testid={`${testId}s`}>
      {dots.map((d, i) => (
        <circle key={i} cx={d.x} cy={d.y} r={2.8} data-testid={testId} data-member={member}>
          <title>{d.title}</title>
        </circle>
      ))}
    </g>
  );
});

/** Predicted against measured on equal axes, with the y = x diagonal; one colour per series. */
export function ParityPlot({ points, members, quantity, units }: Props) {
  const axis = useMemo(() => {
    const values = points.flatMap((p) => [p.measured, ...(p.predicted === null ? [] : [p.predicted]), ...members.map((m) => p.members[m.key] ?? NaN)]);
    return parityAxis(values);
  }, [points, members]);
  const { sx, sy } = useMemo(() => scales(axis.lo, axis.hi), [axis]);
  const main = useMemo(
    () =>
      points.flatMap((p) =>
        p.predicted === null ? [] : [{ x: sx(p.measured), y: sy(p.predicted), title: `${p.smiles}\nmeasured ${fmt(p.measured)}, predicted ${fmt(p.predicted)}` }],
      ),
    [points, sx, sy],
  );
  const memberDots = useMemo(
    () =>
      members.map((m) => ({
        ...m,
        dots: points.flatMap((p) => {
          const v = p.members[m.key];
          return v === null || v === undefined ? [] : [{ x: sx(p.measured), y: sy(v), title: `${m.key} · ${p.smiles}\nmeasured ${fmt(p.measured)}, predicted ${fmt(v)}` }];
        }),
      })),
    [points, members, sx, sy],
  );
  const unit = units ? ` (${units})` : '';

  return (
    <svg
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      className="parity-plot"
      role="img"
      aria-label={`Parity plot: predicted against measured ${quantity}`}
      data-testid="parity-plot"
      data-points={main.length}
    >
      <defs>
        <clipPath id="parity-clip">
          <rect x={M.left} y={M.top} width={PLOT} height={PLOT} />
        </clipPath>
      </defs>
      <rect x={M.left} y={M.top} width={PLOT} height={PLOT} className="parity-frame" />
      {axis.ticks.map((t) => (
        <g key={t} className="parity-grid">
          <line x1={sx(t)} x2={sx(t)} y1={M.top} y2={M.top + PLOT} />
          <line x1={M.left} x2={M.left + PLOT} y1={sy(t)} y2={sy(t)} />
          <text x={sx(t)} y={M.top + PLOT + 18} textAnchor="middle" className="parity-tick">
            {tickLabel(t)}
          </text>
          <text x={M.left - 8} y={sy(t) + 4} textAnchor="end" className="parity-tick">
            {tickLabel(t)}
          </text>
        </g>
      ))}
      <line x1={sx(axis.lo)} y1={sy(axis.lo)} x2={sx(axis.hi)} y2={sy(axis.hi)} className="parity-diagonal" data-testid="parity-diagonal" />
      <g clipPath="url(#parity-clip)">
        {memberDots.map((m) => (
          <Dots key={m.key} dots={m.dots} colour={m.colour} testId="parity-member-point" member={m.key} />
        ))}
        <Dots dots={main} colour={MAIN_COLOUR} testId="parity-point" />
      </g>
      <text x={M.left + PLOT / 2} y={SIZE - 10} textAnchor="middle" className="parity-label" data-testid="parity-x-label">
        Measured {quantity}
        {unit}
      </text>
      <text
        x={16}
        y={M.top + PLOT / 2}
        textAnchor="middle"
        transform={`rotate(-90 16 ${M.top + PLOT / 2})`}
        className="parity-label"
        data-testid="parity-y-label"
      >
        Predicted {quantity}
        {unit}
      </text>
      {/* Near the low end, where the diagonal usually has the fewest points. */}
      <text x={sx(axis.lo + 0.06 * (axis.hi - axis.lo)) + 8} y={sy(axis.lo + 0.06 * (axis.hi - axis.lo)) + 4} className="parity-diagonal-label">
        y = x
      </text>
    </svg>
  );
}
