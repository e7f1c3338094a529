import type {
  AssistantBlock,
  CacheControl,
  ChatMessage,
  ContentBlock,
  ThinkingBlock,
  ToolUseBlock,
} from './canonical';

/** The message's text blocks joined, or `null` when it has none (OpenAI's `content: null`). */
export function textOf(blocks: readonly ContentBlock[]): string | null {
  let text: string | null = null;
  for (const b of blocks) if (b.type === 'text') text = text === null ? b.text : text + b.text;
  return text;
}

/** The text of the thinking blocks joined ('' when there are none), as `reasoning_content` carries it. */
export function thinkingTextOf(blocks: readonly AssistantBlock[]): string {
  let text = '';
  for (const b of blocks) if (b.type === 'thinking') text += b.thinking;
  return text;
}

export function toolUsesOf(blocks: readonly AssistantBlock[]): ToolUseBlock[] {
  return blocks.filter((b): b is ToolUseBlock => b.type === 'tool_use');
}

/** Thinking blocks that only a signature-aware wire can carry (a signature, or redacted). */
export function hasSignedThinking(blocks: readonly AssistantBlock[]): boolean {
  return blocks.some(
    (b) => b.type === 'redacted_thinking' || (b.type === 'thinking' && (b as ThinkingBlock).signature),
  );
}

/** The `cache_control` marks of a message's blocks, those inside tool results included, in order. */
export function cacheControlsOf(m: ChatMessage): CacheControl[] {
  const marks: CacheControl[] = [];
  for (const b of m.content) {
    if (b.type === 'tool_result') {
      if (b.cacheControl) marks.push(b.cacheControl);
      for (const c of b.content) if (c.type !== 'audio' && c.cacheControl) marks.push(c.cacheControl);
    } else if ('cacheControl' in b && b.cacheControl) marks.push(b.cacheControl);
  }
  return marks;
}
