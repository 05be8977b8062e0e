import type { TRuntimeSpec } from './models.schema';
import type { SmokeTestRecord, VersionStatus } from '../db/types';

export interface ModelSummary {
  id: string;
  slug: string;
  name: string;
  task: string;
  description: string;
  tags: string[];
  builtIn: boolean;
  ownerId: string | null;
  ownerEmail: string | null;
  latestVersion: number | null;
  /** Runtime of the latest published version (or of the latest draft): process, http, kubernetes, consensus. */
  runtimeKind: 'process' | 'http' | 'kubernetes' | 'consensus' | null;
  createdAt: string;
}

export interface ModelVersion {
  id: string;
  modelId: string;
  slug: string;
  version: number;
  status: VersionStatus;
  /** As stored: header and env values are sealed secrets (src/server/secrets), masked in every answer. */
  runtime: TRuntimeSpec;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  resources: Record<string, unknown>;
  batchSize: number;
  timeoutMs: number;
  example: Record<string, unknown> | null;
  digest: string;
  createdAt: string;
  publishedAt: string | null;
  smokeTest: SmokeTestRecord | null;
  /** An admin let this version's sandbox reach the network (its runtime asked with `network: true`). */
  networkAllowed: boolean;
  /** Where it came from: a trained model's data, code and hyper-parameters; a fitted consensus's evaluation and cross-validation table. */
  provenance?: Record<string, unknown> | null;
}

export interface ModelDetail extends ModelSummary {
  versions: ModelVersion[];
  /** Alias name → version number. */
  aliases: Record<string, number>;
}
