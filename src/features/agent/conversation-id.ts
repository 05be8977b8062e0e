/**
 * A random v4 UUID for a new conversation. crypto.randomUUID exists only in secure contexts, and
 * the gateway is often opened over plain http on a LAN address; getRandomValues exists everywhere.
 */
export function newConversationId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The error the chat route answered (`{ error: { message, appCode } }`), or the text useChat was given. */
export function describeChatError(e: Error): { code: string; message: string } {
  try {
    const body = JSON.parse(e.message) as { error?: { appCode?: string; message?: string } };
    if (body.error?.appCode) return { code: body.error.appCode, message: body.error.message ?? '' };
  } catch {
    // not our JSON: a network failure or a streamed error text
  }
  return { code: /fetch|network/i.test(e.message) ? 'UNAVAILABLE' : 'AGENT_ERROR', message: e.message };
}
