import type { ChatStreamEvent } from './canonical';

type ContentEvent = Extract<
  ChatStreamEvent,
  { type: 'text' | 'reasoning' | 'redacted_reasoning' | 'refusal' | 'tool_call' | 'audio' | 'image' }
>;

interface ChoiceBlocks {
  /** Index of the current block (-1 before the first). */
  current: number;
  kind: string;
  /** Block of each tool call, by its `index` (parallel calls may interleave their fragments). */
  toolBlocks: number[];
}

/**
 * Numbers the content blocks of a canonical stream per choice, by the rule of `ChatStreamEvent`:
 * an explicit `block` wins; otherwise an event continues the current block when it is of the same
 * kind (a tool call: the same `index`, or a call already numbered) and starts the next one when not.
 * O(1) per event, no allocation per event.
 */
export class StreamBlockCounter {
  private readonly choices: ChoiceBlocks[] = [];

  blockOf(ev: ContentEvent): number {
    const st = (this.choices[ev.choice] ??= { current: -1, kind: '', toolBlocks: [] });
    if (ev.block !== undefined) {
      st.current = Math.max(st.current, ev.block);
      st.kind = ev.type;
      if (ev.type === 'tool_call') st.toolBlocks[ev.index] = ev.block;
      return ev.block;
    }
    if (ev.type === 'tool_call') {
      const known = st.toolBlocks[ev.index];
      if (known !== undefined) return known;
      st.kind = ev.type;
      return (st.toolBlocks[ev.index] = ++st.current);
    }
    // An image or a redacted thinking block arrives whole: each is a block of its own.
    if (st.kind !== ev.type || ev.type === 'image' || ev.type === 'redacted_reasoning') {
      st.kind = ev.type;
      st.current++;
    }
    return st.current;
  }
}
