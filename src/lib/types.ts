import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type ModelSummary = RouterOutputs['models']['list']['items'][number];
export type ModelDetail = RouterOutputs['models']['get'];
export type ModelVersion = ModelDetail['versions'][number];
export type Prediction = RouterOutputs['models']['predict'];
export type Job = RouterOutputs['jobs']['get'];
export type JobStatus = Job['status'];
export type JobResult = RouterOutputs['jobs']['results']['items'][number];
export type ApiToken = RouterOutputs['tokens']['list'][number];
export type ModelAliases = ModelDetail['aliases'];
export type VersionStatus = ModelVersion['status'];
export type RuntimeSpec = ModelVersion['runtime'];
export type VersionSpec = RouterInputs['versions']['createDraft']['spec'];
export type SmokeTest = RouterOutputs['versions']['smokeTest']['result'];
export type HttpCheck = RouterOutputs['models']['checkHttp'];
export type ModelUsage = RouterOutputs['models']['usage'];
export type Viewer = RouterOutputs['me']['get'];
export type JsonSchema = Record<string, unknown>;
