/**
 * The lean API server (src/server/api/lean-server.ts) as a process of its own: `scripts/start.ts`
 * runs it beside the web app when GATEWAY_API_PORT is set.
 */
import { createLeanApiServer } from '../src/server/api/lean-server';

const port = Number(process.env.GATEWAY_API_PORT);
if (!port) {
  console.error('[api] GATEWAY_API_PORT is not set');
  process.exit(2);
}
const server = createLeanApiServer();
server.keepAliveTimeout = 30_000;
server.listen(port, process.env.HOST ?? '0.0.0.0', () => console.log(`[api] /api/trpc for API tokens on port ${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
