import * as uploads from '../../uploads/uploads.service';
import { ZGetUploadInput, ZSubmitUploadInput } from '../../uploads/uploads.schema';
import { readProcedure, router, runProcedure } from '../trpc';

/** Files of molecules: sent to POST /api/uploads (a stream, not tRPC), previewed and run from here. */
export const uploadsRouter = router({
  get: readProcedure.input(ZGetUploadInput).query(({ ctx, input }) => uploads.getUpload(ctx, ctx.viewer, input)),
  submit: runProcedure.input(ZSubmitUploadInput).mutation(({ ctx, input }) => uploads.submitUpload(ctx, ctx.viewer, input)),
});
