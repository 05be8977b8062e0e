'use client';

import { useQuery } from '@tanstack/react-query';
import type { UIMessage } from 'ai';
import { useEffect } from 'react';
import { describeError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { AgentChat } from './agent-chat';
import { useAgentPanel } from './agent-panel-context';
import './agent-panel.css';

function SetupNotice({ problem }: { problem: string }) {
  return (
    <div className="agent-setup" data-testid="agent-setup">
      <h3>No language model configured</h3>
      <p className="small">{problem}</p>
      <pre className="agent-json">{`# a local server (Ollama, vLLM, llama.cpp)
AGENT_PROVIDER=openai-compatible
AGENT_BASE_URL=http://127.0.0.1:11434/v1
AGENT_MODEL=qwen3:8b

# or a hosted one
AGENT_PROVIDER=openai      OPENAI_API_KEY=sk-…
AGENT_PROVIDER=anthropic   ANTHROPIC_API_KEY=sk-ant-…`}</pre>
    </div>
  );
}

/** Loads a conversation's stored messages (none yet for a new one) before the chat starts on them. */
function Conversation({ id }: { id: string }) {
  const trpc = useTRPC();
  const stored = useQuery(trpc.agent.conversations.get.queryOptions({ id }, { retry: false, refetchOnWindowFocus: false, staleTime: Infinity }));
  if (stored.isPending) return <p className="small muted agent-pad">Loading the conversation…</p>;
  if (stored.error && describeError(stored.error).code !== 'NOT_FOUND') {
    return (
      <div className="alert alert-error small agent-pad" role="alert" data-testid="agent-load-error">
        {describeError(stored.error).message}
      </div>
    );
  }
  const messages = (stored.data?.messages ?? []) as unknown as UIMessage[];
  return <AgentChat key={id} conversationId={id} initialMessages={messages} />;
}

/** The agent's panel beside every signed-in page. */
export function AgentPanel() {
  const trpc = useTRPC();
  const { open, conversationId, close, select, startNew } = useAgentPanel();
  const status = useQuery(trpc.agent.status.queryOptions(undefined, { enabled: open, staleTime: 60_000 }));
  const history = useQuery(trpc.agent.conversations.list.queryOptions({ limit: 20 }, { enabled: open && !!status.data?.configured }));
  useEffect(() => {
    document.body.classList.toggle('agent-open', open);
  }, [open]);
  if (!open || !conversationId) return null;
  const known = history.data?.some((c) => c.id === conversationId);
  return (
    <aside className="agent-panel" data-testid="agent-panel" aria-label="Agent">
      <header className="agent-panel-head">
        <div>
          <strong>Agent</strong>
          {status.data?.configured && (
            <span className="small muted" data-testid="agent-model">
              {' '}
              · {status.data.provider} {status.data.model}
            </span>
          )}
        </div>
        <div className="row">
          {status.data?.configured && (
            <>
              <select
                className="select agent-history"
                value={known ? conversationId : ''}
                onChange={(e) => e.target.value && select(e.target.value)}
                data-testid="agent-history"
                aria-label="Conversations"
              >
                <option value="">{known ? 'Conversations' : 'New conversation'}</option>
                {history.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title || 'Untitled'}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-secondary btn-sm" onClick={startNew} data-testid="agent-new">
                New
              </button>
            </>
          )}
          <button type="button" className="btn btn-secondary btn-sm" onClick={close} aria-label="Close the agent panel" data-testid="agent-close">
            ×
          </button>
        </div>
      </header>
      {status.isPending ? (
        <p className="small muted agent-pad">Checking the agent's configuration…</p>
      ) : status.data && !status.data.configured ? (
        <SetupNotice problem={status.data.problem ?? ''} />
      ) : (
        <Conversation id={conversationId} />
      )}
    </aside>
  );
}

/** The top navigation's button that opens and closes the panel. */
export function AgentToggle() {
  const { open, toggle } = useAgentPanel();
  return (
    <button type="button" className={open ? 'topnav-link agent-toggle active' : 'topnav-link agent-toggle'} onClick={toggle} aria-pressed={open} data-testid="nav-agent">
      Agent
    </button>
  );
}
