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

/**
 * Runs raw SSE text through a codec's stream parser, read in odd 7-character pieces that split lines
 * and JSON across reads as a real socket does: the events it yielded and what it threw, if anything.
 */
export async function parseFixtureStream(
  codec: ChatCodec,
  raw: string,
  ctx: ProviderContext,
): Promise<{ events: ChatStreamEvent[]; error: unknown }> {
  const events: ChatStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const ev of codec.parseStream(parseSse(chunked(raw, 7)), ctx)) events.push(ev);
  } catch (err) {
    error = err;
  }
  return { events, error };
}
