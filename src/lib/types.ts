import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type RouterInputs = inferRouterInputs<AppRouter>;
type RouterOutputs = inferRouterOutputs<AppRouter>;

export type ModelSummary = RouterOutputs['models']['list']['items'][number];
export type ModelDetail = RouterOutputs['models']['get'];
export type ModelVersion = ModelDetail['versions'][number];
export type Prediction = RouterOutputs['models']['predict'];
export type Job = RouterOutputs['jobs']['get'];
export type JobStatus = Job['status'];
export type JobResult = RouterOutputs['jobs']['results']['items'][number];
export type ApiToken = RouterOutputs['tokens']['list'][number];
export type RuntimeSpec = ModelVersion['runtime'];
export type VersionSpec = RouterInputs['versions']['createDraft']['spec'];
export type SmokeTest = RouterOutputs['versions']['smokeTest']['result'];
export type HttpCheck = RouterOutputs['models']['checkHttp'];
export type JsonSchema = Record<string, unknown>;
export type ConsensusRuntime = Extract<RuntimeSpec, { kind: 'consensus' }>;
export type ConsensusMember = ConsensusRuntime['members'][number];
export type Strategy = RouterOutputs['evaluations']['strategies'][number];
export type Dataset = RouterOutputs['datasets']['list'][number];
export type Evaluation = RouterOutputs['evaluations']['get'];
export type EvaluationMetric = Evaluation['metrics'][number];
export type EvaluationPoint = Evaluation['points'][number];
export type FitResult = RouterOutputs['evaluations']['fit'];
export type Webhook = RouterOutputs['webhooks']['list'][number];
export type WebhookDelivery = RouterOutputs['webhooks']['deliveries']['items'][number];
