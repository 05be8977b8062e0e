import { randomBytes } from 'node:crypto';
import { defineConfig } from 'vitest/config';
import path from 'node:path';

// A key of this run only (seeding in the global setup and every test file use it), and the
// loopback fixtures as the only hosts the gateway may call; tests of other lists set their own.
process.env.GATEWAY_SECRET_KEY ??= randomBytes(32).toString('base64');
process.env.GATEWAY_OUTBOUND_HOSTS ??= '127.0.0.1,localhost';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, 'src') } },
  test: {
    include: ['src/**/*.test.ts', 'models/**/*.test.ts', 'db/**/*.test.ts', 'k8s/**/*.test.ts', 'clients/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: { GATEWAY_SECRET_KEY: process.env.GATEWAY_SECRET_KEY, GATEWAY_OUTBOUND_HOSTS: process.env.GATEWAY_OUTBOUND_HOSTS },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
