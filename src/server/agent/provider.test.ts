import { describe, expect, it } from 'vitest';
import { agentModel, providerStatus } from './provider';

describe('the agent provider, from the environment', () => {
  it('says how to configure one when nothing is set', () => {
    const s = providerStatus({});
    expect(s).toMatchObject({ configured: false, provider: null });
    expect(s.problem).toMatch(/AGENT_PROVIDER.*OPENAI_API_KEY.*ANTHROPIC_API_KEY.*AGENT_BASE_URL/);
    expect(agentModel({}).model).toBeNull();
  });

  it('picks OpenAI, Anthropic or an OpenAI-compatible server, with defaults for the hosted ones', () => {
    expect(providerStatus({ OPENAI_API_KEY: 'sk-x' })).toMatchObject({ configured: true, provider: 'openai', model: 'gpt-5-mini' });
    expect(providerStatus({ ANTHROPIC_API_KEY: 'k', AGENT_MODEL: 'claude-opus-4-5' })).toMatchObject({ configured: true, provider: 'anthropic', model: 'claude-opus-4-5' });
    const local = agentModel({ AGENT_BASE_URL: 'http://127.0.0.1:11434/v1', AGENT_MODEL: 'qwen3:8b' });
    expect(local.status).toMatchObject({ configured: true, provider: 'openai-compatible', model: 'qwen3:8b' });
    expect(local.model).not.toBeNull();
  });

  it('names what is missing for the provider asked for', () => {
    expect(providerStatus({ AGENT_PROVIDER: 'anthropic' }).problem).toMatch(/ANTHROPIC_API_KEY is not set/);
    expect(providerStatus({ AGENT_PROVIDER: 'openai-compatible', AGENT_BASE_URL: 'http://127.0.0.1:8000/v1' }).problem).toMatch(/AGENT_MODEL is not set/);
    expect(providerStatus({ AGENT_PROVIDER: 'openai-compatible' }).problem).toMatch(/AGENT_BASE_URL is not set/);
    expect(providerStatus({ AGENT_PROVIDER: 'gemini' }).problem).toMatch(/"gemini" is not a provider/);
  });
});
