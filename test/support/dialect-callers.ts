import { GoogleGenAI } from '@google/genai';
import Anthropic from 'anthropic-sdk-1';
import OpenAI from 'openai';

/** What a caller saw of one call, through its dialect's official SDK. */
export interface Seen {
  /** The HTTP status of the gateway's answer (0: no answer at all). */
  status: number;
  /** `Retry-After` of the answer, when it had one. */
  retryAfter?: string;
  /**
   * The error the SDK raised as `<dialect kind>/<gateway code>`: OpenAI `type/code`, Anthropic
   * `error.type/<code the message starts with>`, Google `status/<code the message starts with>`.
   */
  error?: string;
  /** The answer's text; for a stream that failed, what arrived before the failure. */
  text: string;
  /** A stream that began (200) and then failed: the SDK's error message. */
  midStream?: string;
}

export interface DialectCaller {
  dialect: 'openai' | 'anthropic' | 'google';
  call(baseUrl: string, key: string, model: string, stream: boolean): Promise<Seen>;
}

/** A fetch that remembers the last answer's status and headers (the SDKs hide them on success). */
function recordingFetch(): { fetch: typeof fetch; last: () => Response | undefined } {
  let last: Response | undefined;
  return {
    fetch: async (input, init) => (last = await fetch(input, init)),
    last: () => last,
  };
}

/** Runs `body` and folds what happened into a {@link Seen}. */
async function observe(
  last: () => Response | undefined,
  body: (onText: (t: string) => void) => Promise<void>,
  errorOf: (err: unknown) => string | undefined,
): Promise<Seen> {
  let text = '';
  try {
    await body((t) => (text += t));
  } catch (err) {
    const res = last();
    const status = res?.status ?? 0;
    const began = status === 200;
    return {
      status,
      retryAfter: res?.headers.get('retry-after') ?? undefined,
      error: errorOf(err),
      text,
      midStream: began ? (err instanceof Error ? err.message : String(err)) : undefined,
    };
  }
  return { status: last()?.status ?? 0, text };
}

/** `code: message` → code (the dialects without a code field start the message with it). */
const codeOf = (message: unknown) => (typeof message === 'string' ? message.split(':')[0] : undefined);

export const OPENAI_CALLER: DialectCaller = {
  dialect: 'openai',
  call(baseUrl, key, model, stream) {
    const rec = recordingFetch();
    const client = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0, fetch: rec.fetch });
    const messages = [{ role: 'user' as const, content: 'fault test' }];
    return observe(
      rec.last,
      async (onText) => {
        if (!stream) {
          const r = await client.chat.completions.create({ model, messages });
          return onText(r.choices[0].message.content ?? '');
        }
        const s = await client.chat.completions.create({ model, messages, stream: true });
        for await (const c of s) onText(c.choices[0]?.delta?.content ?? '');
      },
      (err) => (err instanceof OpenAI.APIError && err.type ? `${err.type}/${err.code}` : undefined),
    );
  },
};

export const ANTHROPIC_CALLER: DialectCaller = {
  dialect: 'anthropic',
  call(baseUrl, key, model, stream) {
    const rec = recordingFetch();
    const client = new Anthropic({ apiKey: key, baseURL: baseUrl, maxRetries: 0, fetch: rec.fetch });
    const params = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: 'fault test' }] };
    return observe(
      rec.last,
      async (onText) => {
        if (!stream) {
          const m = await client.messages.create(params);
          return onText(m.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
        }
        for await (const ev of client.messages.stream(params))
          if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') onText(ev.delta.text);
      },
      (err) => {
        if (!(err instanceof Anthropic.APIError)) return undefined;
        const body = err.error as { error?: { type?: string; message?: string } } | undefined;
        return body?.error?.type ? `${body.error.type}/${codeOf(body.error.message)}` : undefined;
      },
    );
  },
};

export const GOOGLE_CALLER: DialectCaller = {
  dialect: 'google',
  call(baseUrl, key, model, stream) {
    const rec = recordingFetch();
    const ai = new GoogleGenAI({
      apiKey: key,
      httpOptions: { baseUrl, retryOptions: { attempts: 1 }, fetch: rec.fetch },
    });
    const params = { model, contents: 'fault test' };
    return observe(
      rec.last,
      async (onText) => {
        if (!stream) return onText((await ai.models.generateContent(params)).text ?? '');
        for await (const c of await ai.models.generateContentStream(params)) onText(c.text ?? '');
      },
      (err) => {
        if (!(err instanceof Error) || err.name !== 'ApiError') return undefined;
        try {
          // An error before the stream: the body as JSON; one in the stream: `got status: …. {json}`.
          const json = err.message.slice(err.message.indexOf('{'));
          const body = JSON.parse(json) as { error?: { status?: string; message?: string } };
          return `${body.error?.status}/${codeOf(body.error?.message)}`;
        } catch {
          return undefined;
        }
      },
    );
  },
};
