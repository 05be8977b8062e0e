import { z } from 'zod';
import { predictOne } from '../../jobs/predict.service';
import { ZListModelsInput, ZPredictInput } from '../../models/models.schema';
import * as models from '../../models/models.service';
import { authedProcedure, router } from '../trpc';

export const modelsRouter = router({
  list: authedProcedure.input(ZListModelsInput).query(({ ctx, input }) => models.listModels(ctx.db, input)),
  tasks: authedProcedure.query(({ ctx }) => models.listTasks(ctx.db)),
  get: authedProcedure.input(z.object({ slug: z.string() })).query(({ ctx, input }) => models.getModel(ctx.db, input.slug)),
  predict: authedProcedure
    .input(ZPredictInput)
    .mutation(async ({ ctx, input }) => predictOne(ctx.db, await ctx.boss(), ctx.watcher, ctx.viewer, input)),
});
