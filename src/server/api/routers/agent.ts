import { z } from 'zod';
import * as agent from '../../agent/conversations.service';
import { authedProcedure, router } from '../trpc';

const ZId = z.object({ id: z.uuid() });

export const agentRouter = router({
  status: authedProcedure.query(() => agent.agentStatus()),
  conversations: router({
    list: authedProcedure
      .input(z.object({ limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).default(0) }))
      .query(({ ctx, input }) => agent.listConversations(ctx, ctx.viewer, input)),
    get: authedProcedure.input(ZId).query(({ ctx, input }) => agent.getConversation(ctx, ctx.viewer, input)),
    delete: authedProcedure.input(ZId).mutation(({ ctx, input }) => agent.deleteConversation(ctx, ctx.viewer, input)),
  }),
  toolCalls: authedProcedure
    .input(z.object({ conversationId: z.uuid().optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => agent.listAgentToolCalls(ctx, ctx.viewer, input)),
});
