import { describe, expect, it } from 'vitest';
import { describeChatError, newConversationId } from './conversation-id';

describe('the panel helpers', () => {
  it('makes v4 UUIDs the chat route accepts', () => {
    const ids = new Set(Array.from({ length: 50 }, newConversationId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("reads the route's error body, and falls back to the text", () => {
    expect(describeChatError(new Error('{"error":{"appCode":"UNAVAILABLE","message":"No language model is configured"}}'))).toEqual({ code: 'UNAVAILABLE', message: 'No language model is configured' });
    expect(describeChatError(new Error('Failed to fetch')).code).toBe('UNAVAILABLE');
  });
});
