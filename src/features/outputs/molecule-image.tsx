'use client';

import { useState } from 'react';

/** The drawing the gateway's /api/depict route makes with RDKit. */
const depictUrl = (smiles: string, w: number, h: number) => `/api/depict?smiles=${encodeURIComponent(smiles)}&w=${w}&h=${h}`;

interface Props {
  smiles: string;
  width: number;
  height: number;
  testId?: string;
}

/** An RDKit drawing of the molecule; a quiet placeholder when RDKit cannot parse it. */
export function MoleculeImage({ smiles, width, height, testId }: Props) {
  // The key resets the failed flag whenever the SMILES changes.
  return <MoleculeImageInner key={smiles} smiles={smiles} width={width} height={height} testId={testId} />;
}

function MoleculeImageInner({ smiles, width, height, testId }: Props) {
  const [failed, setFailed] = useState(false);
  if (!smiles.trim() || failed) {
    return (
      <div className="molecule molecule-empty" style={{ width, height }} data-testid={testId ? `${testId}-empty` : undefined}>
        {smiles.trim() ? 'cannot draw' : 'no structure'}
      </div>
    );
  }
  return (
    <img
      className="molecule"
      src={depictUrl(smiles, width, height)}
      width={width}
      height={height}
      alt={`Structure of ${smiles}`}
      loading="lazy"
      onError={() => setFailed(true)}
      data-testid={testId}
    />
  );
}
