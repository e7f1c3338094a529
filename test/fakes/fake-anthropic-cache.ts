import { createHash } from 'node:crypto';
import { readMessages, type Json } from './fake-anthropic-rules';

/** The input side of `usage`, computed from the request and the fake's prompt cache. */
export interface InputUsage {
  /** Input tokens neither read from nor written to the cache. */
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** The fake's token count: about 4 characters a token, at least 1. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** One cacheable unit of the prompt, in Anthropic's prefix order (tools, system, messages). */
interface Segment {
  tokens: number;
  /** The unit without its cache_control (the cache key must not depend on the breakpoint marks). */
  key: string;
  cacheControl?: { type?: string; ttl?: string };
}

function segment(block: unknown, forced?: Json): Segment {
  const { cache_control, ...rest } = (block ?? {}) as Json;
  const cacheControl = (forced ?? cache_control) as Segment['cacheControl'];
  const key = JSON.stringify(rest);
  return { tokens: tokens(key), key, ...(cacheControl ? { cacheControl } : {}) };
}

function segmentsOf(body: Json): Segment[] {
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  const system =
    typeof body.system === 'string'
      ? [{ type: 'text', text: body.system }]
      : Array.isArray(body.system)
        ? (body.system as unknown[])
        : [];
  const blocks = readMessages(body).flatMap((m) => m.blocks.map((b) => ({ role: m.role, ...b })));
  const segments = [...tools, ...system, ...blocks].map((b) => segment(b));
  // Automatic caching: a top-level cache_control marks the last block.
  const last = segments[segments.length - 1];
  if (body.cache_control && last && !last.cacheControl)
    segments[segments.length - 1] = { ...last, cacheControl: body.cache_control as Segment['cacheControl'] };
  return segments;
}

/** The whole prompt's token count (count_tokens, and input + cache figures of a call). */
export function promptTokens(body: Json): number {
  return segmentsOf(body).reduce((sum, s) => sum + s.tokens, 0);
}

/** How many blocks carry cache_control (Anthropic accepts at most 4). */
export function breakpointCount(body: Json): number {
  return segmentsOf(body).filter((s) => s.cacheControl).length;
}

/**
 * Anthropic's prompt cache in memory: a prefix ending at a `cache_control` block is written on first
 * use (`cache_creation_input_tokens`, split by the breakpoints' `ttl`) and read by a later request
 * with the same prefix and model (`cache_read_input_tokens`, the longest cached prefix), which also
 * refreshes its lifetime. Prefixes shorter than `minTokens` are not cached, silently, as on Anthropic.
 */
export class FakePromptCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly minTokens = 0) {}

  clear(): void {
    this.entries.clear();
  }

  /** The input usage of a call, recording what it writes to the cache. */
  use(body: Json, now = Date.now()): InputUsage {
    const segments = segmentsOf(body);
    const hash = createHash('sha256').update(String(body.model));
    const prefixes: Array<{ key: string; tokens: number; ttlMs: number; ttl: '1h' | '5m' }> = [];
    let total = 0;
    for (const s of segments) {
      hash.update(s.key);
      total += s.tokens;
      if (!s.cacheControl) continue;
      const ttl = s.cacheControl.ttl === '1h' ? '1h' : '5m';
      prefixes.push({
        key: hash.copy().digest('hex'),
        tokens: total,
        ttl,
        ttlMs: ttl === '1h' ? 3_600_000 : 300_000,
      });
    }
    const cacheable = prefixes.filter((p) => p.tokens >= this.minTokens);
    const live = (key: string) => (this.entries.get(key) ?? 0) > now;
    let readIndex = -1;
    for (let i = cacheable.length - 1; i >= 0 && readIndex < 0; i--)
      if (live(cacheable[i].key)) readIndex = i;
    const read = readIndex >= 0 ? cacheable[readIndex].tokens : 0;
    const created = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    let covered = read;
    for (const [i, p] of cacheable.entries()) {
      this.entries.set(p.key, Math.max(this.entries.get(p.key) ?? 0, now + p.ttlMs));
      if (i <= readIndex) continue;
      created[p.ttl === '1h' ? 'ephemeral_1h_input_tokens' : 'ephemeral_5m_input_tokens'] +=
        p.tokens - covered;
      covered = p.tokens;
    }
    const creation = created.ephemeral_5m_input_tokens + created.ephemeral_1h_input_tokens;
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: created,
    };
  }
}
