import { z } from 'zod';
import { ZModelRef } from '../models/models.schema';
import { safeName, safeText } from '../safe-input';

export const UPLOAD_FORMATS = ['csv', 'tsv', 'smi', 'sdf'] as const;

/** What POST /api/uploads reads from its query string; the body is the file. */
export const ZReceiveUploadInput = z.object({
  filename: safeName(255, 'filename: name the file, e.g. ?filename=library.csv'),
  format: z.enum(UPLOAD_FORMATS).optional(),
  smilesColumn: safeName(200, 'smilesColumn: name a column of the header').optional(),
  idColumn: safeName(200, 'idColumn: name a column of the header').optional(),
});
export type TReceiveUploadInput = z.infer<typeof ZReceiveUploadInput>;

export const ZGetUploadInput = z.object({
  uploadId: z.uuid(),
  /** The model to estimate a run on; without it no estimate is made. */
  model: ZModelRef.optional(),
  /** Bad rows after this line number (the page before's `nextLine`). */
  badAfterLine: z.number().int().min(0).default(0),
  badLimit: z.number().int().min(1).max(500).default(50),
});
export type TGetUploadInput = z.infer<typeof ZGetUploadInput>;

export const ZSubmitUploadInput = z.object({
  uploadId: z.uuid(),
  model: ZModelRef,
  label: safeText(200).optional(),
  /** Further input fields every item gets (the model's other inputs), besides its molecule. */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type TSubmitUploadInput = z.infer<typeof ZSubmitUploadInput>;
