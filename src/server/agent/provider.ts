import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

/** Environment variables, as process.env holds them. */
type Env = Record<string, string | undefined>;

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible';

/** What the panel shows: which model answers, or how to configure one. */
export interface ProviderStatus {
  configured: boolean;
  provider: ProviderKind | null;
  model: string | null;
  /** When not configured (or misconfigured): what to set. */
  problem: string | null;
}

export const HOW_TO_CONFIGURE =
  'Set AGENT_PROVIDER to openai (with OPENAI_API_KEY), anthropic (with ANTHROPIC_API_KEY) or openai-compatible (with AGENT_BASE_URL, e.g. http://127.0.0.1:11434/v1 for Ollama, and AGENT_MODEL), then restart the gateway. See docs/agent.md.';

const DEFAULT_MODELS: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = { openai: 'gpt-5-mini', anthropic: 'claude-sonnet-4-5' };

function resolve(env: Env): { status: ProviderStatus; make?: () => LanguageModel } {
  const set = (name: string) => env[name]?.trim() || undefined;
  const named = set('AGENT_PROVIDER')?.toLowerCase();
  const kind: ProviderKind | undefined =
    named === 'openai' || named === 'anthropic' || named === 'openai-compatible'
      ? named
      : named
        ? undefined
        : set('AGENT_BASE_URL')
          ? 'openai-compatible'
          : set('ANTHROPIC_API_KEY')
            ? 'anthropic'
            : set('OPENAI_API_KEY')
              ? 'openai'
              : undefined;
  const fail = (problem: string): { status: ProviderStatus } => ({ status: { configured: false, provider: kind ?? null, model: null, problem } });
  if (named && !kind) return fail(`AGENT_PROVIDER="${named}" is not a provider. ${HOW_TO_CONFIGURE}`);
  if (!kind) return fail(`No language model is configured for the agent. ${HOW_TO_CONFIGURE}`);

  const model = set('AGENT_MODEL') ?? (kind === 'openai-compatible' ? undefined : DEFAULT_MODELS[kind]);
  const ok = (make: () => LanguageModel) => ({ status: { configured: true, provider: kind, model: model!, problem: null }, make });
  if (kind === 'openai') {
    if (!set('OPENAI_API_KEY')) return fail(`AGENT_PROVIDER is openai but OPENAI_API_KEY is not set. ${HOW_TO_CONFIGURE}`);
    return ok(() => createOpenAI({ apiKey: set('OPENAI_API_KEY'), baseURL: set('OPENAI_BASE_URL') })(model!));
  }
  if (kind === 'anthropic') {
    if (!set('ANTHROPIC_API_KEY')) return fail(`AGENT_PROVIDER is anthropic but ANTHROPIC_API_KEY is not set. ${HOW_TO_CONFIGURE}`);
    return ok(() => createAnthropic({ apiKey: set('ANTHROPIC_API_KEY'), baseURL: set('ANTHROPIC_BASE_URL') })(model!));
  }
  const baseURL = set('AGENT_BASE_URL');
  if (!baseURL) return fail(`AGENT_PROVIDER is openai-compatible but AGENT_BASE_URL is not set (e.g. http://127.0.0.1:11434/v1 for Ollama, :8000/v1 for vLLM, :8080/v1 for llama.cpp). ${HOW_TO_CONFIGURE}`);
  if (!model) return fail(`AGENT_PROVIDER is openai-compatible but AGENT_MODEL is not set: name the model the server serves (e.g. qwen3:8b). ${HOW_TO_CONFIGURE}`);
  return ok(() => createOpenAICompatible({ name: 'openai-compatible', baseURL, apiKey: set('AGENT_API_KEY'), includeUsage: true })(model));
}

/** The configured provider's status, from the environment. */
export function providerStatus(env: Env = process.env): ProviderStatus {
  return resolve(env).status;
}

/** The language model the agent talks to, or null (with the status saying what to set). */
export function agentModel(env: Env = process.env): { model: LanguageModel | null; status: ProviderStatus } {
  const r = resolve(env);
  return { model: r.make?.() ?? null, status: r.status };
}
