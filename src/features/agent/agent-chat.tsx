'use client';

import { useChat } from '@ai-sdk/react';
import { useQueryClient } from '@tanstack/react-query';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses, type UIMessage } from 'ai';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { ToolCallView } from './agent-types';
import { ToolCard } from './cards/tool-card';
import { describeChatError } from './conversation-id';
import { toolCallOf } from './tool-call';

/**
 * The request carries only the newest message (the user's text, or the answer with its approval
 * responses): the server holds the history and checks every approval against what it issued.
 */
const transport = new DefaultChatTransport<UIMessage>({
  api: '/api/agent/chat',
  prepareSendMessagesRequest: ({ id, messages }) => ({ body: { conversationId: id, message: messages.at(-1) } }),
});

function MessageView({ message, onAnswer, busy }: { message: UIMessage; onAnswer: (call: ToolCallView, approved: boolean) => void; busy: boolean }) {
  return (
    <div className={`agent-message agent-message-${message.role}`} data-testid="agent-message" data-role={message.role}>
      {message.parts.map((part, i) => {
        if (part.type === 'text') {
          return (
            <div key={i} className="agent-text" data-testid={`agent-text-${message.role}`}>
              {part.text}
            </div>
          );
        }
        const call = toolCallOf(part);
        return call ? <ToolCard key={call.toolCallId} call={call} onAnswer={onAnswer} busy={busy} /> : null;
      })}
    </div>
  );
}

/** One conversation: the streamed messages with their tool cards, the composer, stop and errors. */
export function AgentChat({ conversationId, initialMessages }: { conversationId: string; initialMessages: UIMessage[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { messages, sendMessage, status, error, stop, addToolApprovalResponse, clearError } = useChat({
    id: conversationId,
    messages: initialMessages,
    transport,
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    // The history list and the stored copy (shown when this conversation is opened again) follow the answer.
    onFinish: () => void queryClient.invalidateQueries({ queryKey: trpc.agent.conversations.pathKey() }),
  });
  const [text, setText] = useState('');
  const busy = status === 'submitted' || status === 'streaming';
  const end = useRef<HTMLDivElement>(null);
  // Braces: Chromium's scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages]);
  const shownError = useMemo(() => (error ? describeChatError(error) : null), [error]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || busy) return;
    clearError();
    void sendMessage({ text: text.trim() });
    setText('');
  };
  const answer = (call: ToolCallView, approved: boolean) => {
    if (call.approval) void addToolApprovalResponse({ id: call.approval.id, approved });
  };

  return (
    <div className="agent-chat" data-testid="agent-chat" data-status={status}>
      <div className="agent-messages" data-testid="agent-messages">
        {messages.length === 0 && (
          <p className="small muted" data-testid="agent-empty">
            Ask about models, run a prediction or a screen, or compare models. The agent acts with your own permissions; runs over the
            approval threshold and every change wait for you here.
          </p>
        )}
        {messages.map((m) => (
          <MessageView key={m.id} message={m} onAnswer={answer} busy={busy} />
        ))}
        {status === 'submitted' && (
          <p className="small muted" data-testid="agent-thinking">
            Thinking…
          </p>
        )}
        {shownError && (
          <div className="alert alert-error small" role="alert" data-testid="agent-error">
            <span className="error-code" data-testid="agent-error-code">
              {shownError.code}
            </span>{' '}
            <span data-testid="agent-error-message">{shownError.message}</span>
          </div>
        )}
        <div ref={end} />
      </div>
      <form className="agent-composer" onSubmit={submit}>
        <textarea
          className="textarea"
          rows={2}
          value={text}
          placeholder="Ask the agent…"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
          data-testid="agent-input"
        />
        {busy ? (
          <button type="button" className="btn btn-secondary" onClick={() => void stop()} data-testid="agent-stop">
            Stop
          </button>
        ) : (
          <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="agent-send">
            Send
          </button>
        )}
      </form>
    </div>
  );
}
