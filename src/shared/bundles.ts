/** What `POST /api/bundles` answers: the digest to name in a runtime, and the bundle's own manifest when it has one. */
export interface UploadedBundle {
  digest: string;
  sizeBytes: number;
  files: number;
  /** `model.json` from the bundle (its root, or its one top folder), its runtime completed with the bundle and cwd. */
  manifest?: Record<string, unknown>;
  /** Why a `model.json` that is there could not be read. */
  manifestError?: string;
}
