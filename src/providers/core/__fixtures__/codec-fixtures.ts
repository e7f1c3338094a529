import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCodec, DeploymentTarget, ProviderContext, ProviderId } from '../adapter';
import type { ChatStreamEvent } from '../canonical';
import { parseSse } from '../sse';

/** The deployment a provider's golden fixtures run against, overridden by the fixture's `deployment`. */
export function fixtureCtx(
  provider: ProviderId,
  upstreamModel: string,
  deployment: Partial<DeploymentTarget> = {},
): ProviderContext {
  return {
    requestId: 'req-1',
    deployment: {
      id: 'dep-1',
      provider,
      upstreamModel,
      apiKey: 'test-key',
      connectTimeoutMs: 5000,
      timeoutMs: 120000,
      streamIdleTimeoutMs: 60000,
      settings: {},
      ...deployment,
    },
  };
}

/** The file names of a fixture directory and a reader of its JSON files. */
export function fixtureDir(dir: string): {
  files: string[];
  read: (name: string) => Record<string, unknown>;
  text: (name: string) => string;
} {
  return {
    files: readdirSync(dir),
    read: (name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>,
    text: (name) => readFileSync(join(dir, name), 'utf8'),
  };
}

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** The same SSE text with its line ends swapped (LF ↔ CRLF): a golden stream holds in both. */
function swapLineEnds(raw: string): string {
  return raw.includes('\r\n') ? raw.replace(/\r\n/g, '\n') : raw.replace(/\n/g, '\r\n');
}

async function parseOnce(
  codec: ChatCodec,
  raw: string,
  pieceSize: number,
  ctx: ProviderContext,
): Promise<{ events: ChatStreamEvent[]; error: unknown }> {
  const events: ChatStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const ev of codec.parseStream(parseSse(chunked(raw, pieceSize)), ctx)) events.push(ev);
  } catch (err) {
    error = err;
  }
  return { events, error };
}

/**
 * Runs raw SSE text through a codec's stream parser, read in odd 7-character pieces that split lines
 * and JSON across reads as a real socket does: the events it yielded and what it threw, if anything.
 * The same text read a byte at a time, and with its line ends swapped (LF ↔ CRLF), must give the same
 * events and the same error: every golden stream covers split frames and both line-end styles.
 */
export async function parseFixtureStream(
  codec: ChatCodec,
  raw: string,
  ctx: ProviderContext,
): Promise<{ events: ChatStreamEvent[]; error: unknown }> {
  const result = await parseOnce(codec, raw, 7, ctx);
  for (const [text, size] of [
    [raw, 1],
    [swapLineEnds(raw), 7],
  ] as const) {
    const other = await parseOnce(codec, text, size, ctx);
    expect(other.events).toEqual(result.events);
    expect(String(other.error)).toBe(String(result.error));
  }
  return result;
}
