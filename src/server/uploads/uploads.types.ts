import type { UploadFormat, UploadStatus } from '../db/types';
import type { RunEstimate } from '../jobs/estimate.service';

export interface Upload {
  id: string;
  ownerId: string;
  filename: string;
  format: UploadFormat;
  gzip: boolean;
  status: UploadStatus;
  /** Molecule rows (lines or SDF records) read, good and bad. */
  rowsTotal: number;
  rowsBad: number;
  rowsGood: number;
  /** Bytes received (compressed, for a .gz). */
  bytes: number;
  /** The header columns the SMILES and the ids were read from (SDF: the data field of the ids). */
  idColumn: string | null;
  smilesColumn: string | null;
  error: string | null;
  /** The job it was submitted as. */
  jobId: string | null;
  createdAt: string;
}

/** One row of an upload as shown: a good row has its index, a bad one its reason. */
export interface UploadRow {
  line: number;
  index: number | null;
  externalId: string | null;
  smiles: string | null;
  /** An SDF record's title line (its MOL block is not sent). */
  molblockTitle: string | null;
  error: string | null;
}

/** What POST /api/uploads answers. */
export interface ReceivedUpload {
  uploadId: string;
  format: UploadFormat;
  gzip: boolean;
  rowsTotal: number;
  rowsBad: number;
  idColumn: string | null;
  smilesColumn: string | null;
}

/** What `uploads.get` answers: the upload, a preview, a page of bad rows and, for a model, an estimate. */
export interface UploadView extends Upload {
  preview: UploadRow[];
  bad: { items: UploadRow[]; nextLine: number | null };
  estimate: RunEstimate | null;
}
