/** What a webhook listens to: one job, or every job one of your API tokens submits. */
export type WebhookTarget = { jobId: string } | { tokenId: string };
