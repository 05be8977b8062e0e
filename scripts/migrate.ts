/**
 * `node --import tsx scripts/migrate.ts`: brings DATABASE_URL up to date (our migrations,
 * pg-boss's schema and queues, built-in models) and exits; the Kubernetes migration Job runs it.
 */
import { prepareDatabase } from '../src/server/setup';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('[migrate] DATABASE_URL is not set');
  process.exit(2);
}
prepareDatabase(url, (line) => console.log(`[migrate] ${line}`)).then(
  ({ setupToken }) => {
    if (setupToken) console.log(`[migrate] no account yet: create the admin at /signin?setup=${setupToken} (a one-time set-up token; the next run replaces it)`);
    process.exit(0);
  },
  (e) => {
    console.error('[migrate] failed:', e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
