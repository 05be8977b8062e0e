import type { NextRequest } from 'next/server';
import { depictSmiles } from '@/server/chem/rdkit';

/** GET /api/depict?smiles=…&w=250&h=200 → an RDKit SVG drawing of the molecule. */
export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  const smiles = params.get('smiles') ?? '';
  const clamp = (v: string | null, d: number) => Math.min(1000, Math.max(50, Number(v) || d));
  const svg = await depictSmiles(smiles, clamp(params.get('w'), 250), clamp(params.get('h'), 200));
  if (!svg) return new Response(`RDKit cannot parse the SMILES "${smiles.slice(0, 100)}"`, { status: 400 });
  return new Response(svg, {
    headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400, immutable' },
  });
}
