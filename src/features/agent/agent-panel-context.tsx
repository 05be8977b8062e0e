'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { newConversationId } from './conversation-id';

interface PanelState {
  open: boolean;
  conversationId: string;
  toggle: () => void;
  close: () => void;
  select: (conversationId: string) => void;
  startNew: () => void;
}

const PanelContext = createContext<PanelState | null>(null);
const KEY = 'model-gateway.agent';

/** Whether the agent panel is open and which conversation it shows, kept across reloads and pages. */
export function AgentPanelProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [conversationId, setConversationId] = useState('');
  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { open?: boolean; conversationId?: string };
      setOpen(!!saved.open);
      setConversationId(saved.conversationId || newConversationId());
    } catch {
      setConversationId(newConversationId());
    }
  }, []);
  useEffect(() => {
    if (conversationId) localStorage.setItem(KEY, JSON.stringify({ open, conversationId }));
  }, [open, conversationId]);

  const toggle = useCallback(() => setOpen((o) => !o), []);
  const close = useCallback(() => setOpen(false), []);
  const select = useCallback((id: string) => setConversationId(id), []);
  const startNew = useCallback(() => setConversationId(newConversationId()), []);
  const value = useMemo(() => ({ open, conversationId, toggle, close, select, startNew }), [open, conversationId, toggle, close, select, startNew]);
  return <PanelContext.Provider value={value}>{children}</PanelContext.Provider>;
}

export function useAgentPanel(): PanelState {
  const state = useContext(PanelContext);
  if (!state) throw new Error('useAgentPanel needs an AgentPanelProvider (the app shell mounts one)');
  return state;
}
