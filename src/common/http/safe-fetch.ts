import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';

/**
 * Outbound HTTP to URLs chosen by clients (media to inline, video callbacks), guarded against SSRF:
 * only http(s); every address a host resolves to (IPv4 and IPv6) must be public — loopback, private,
 * link-local, unique-local, CGNAT, multicast and reserved ranges are refused, also when embedded in
 * IPv4-mapped, NAT64 or 6to4 IPv6 addresses; the check runs before the request and again in the
 * socket's own DNS lookup (no DNS-rebinding window); redirects are followed by hand and each hop is
 * checked the same way. `allowPrivate` (SWITCHBOARD_ALLOW_PRIVATE_URLS) turns the address checks off.
 * Bodies are capped while they stream; connect, first-byte, idle and total timeouts apply.
 */

export type SafeFetchErrorKind =
  | 'invalid_url'
  | 'refused'
  | 'too_large'
  | 'timeout'
  | 'network'
  | 'redirects';

export class SafeFetchError extends Error {
  constructor(
    readonly kind: SafeFetchErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export interface SafeFetchPolicy {
  /** SWITCHBOARD_ALLOW_PRIVATE_URLS: no address checks at all. */
  allowPrivate: boolean;
  /** Overrides the address check (tests); return true to refuse an address. */
  isBlockedAddress?: (ip: string) => boolean;
  connectTimeoutMs?: number;
  /** The DNS lookup used before the request and at connect time (tests inject a rebinding resolver). */
  lookup?: typeof dnsLookup;
}

export interface SafeFetchOptions {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Refuse bodies larger than this (checked on content-length and while streaming). */
  maxBytes: number;
  /** The whole exchange, redirects included. Default 30 s. */
  timeoutMs?: number;
  /** Follow up to this many redirects (GET only; other methods get the 3xx). Default 5. */
  maxRedirects?: number;
  signal?: AbortSignal;
}

/** Options of a streamed download: no body cap and no total deadline (videos are large), idle timeouts only. */
export type SafeOpenOptions = Omit<SafeFetchOptions, 'maxBytes' | 'method' | 'body'>;

/** A streamed answer: the body is the caller's to read (or destroy). */
export interface SafeStreamResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & { destroy(): unknown };
  url: string;
}

export interface SafeFetchResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class SafeHttpClient {
  private readonly agent: Agent;
  private readonly blocked: (ip: string) => boolean;

  constructor(private readonly policy: SafeFetchPolicy) {
    this.blocked = policy.allowPrivate ? () => false : (policy.isBlockedAddress ?? isPrivateAddress);
    this.agent = new Agent({
      connect: {
        timeout: policy.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(policy.allowPrivate ? {} : { lookup: guardedLookup(this.blocked, policy.lookup ?? dnsLookup) }),
      },
      keepAliveTimeout: 10_000,
      connections: 64,
    });
  }

  async fetch(url: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
    const deadline = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    const { res, url: answered } = await this.follow(url, opts, signal, deadline);
    const body = await readCapped(res, opts.maxBytes, deadline);
    return { status: res.statusCode, headers: res.headers, body, url: answered };
  }

  /**
   * A GET whose body is streamed to the caller (downloads of provider-given URLs): the same address
   * checks and redirect handling as `fetch`; `timeoutMs` bounds the wait for headers and each pause
   * between body chunks, not the whole download.
   */
  async open(url: string, opts: SafeOpenOptions = {}): Promise<SafeStreamResult> {
    const never = new AbortController().signal;
    const { res, url: answered } = await this.follow(url, opts, opts.signal ?? never, never);
    return { status: res.statusCode, headers: res.headers, body: res.body, url: answered };
  }

  /** Sends the request, following GET redirects by hand; every hop's destination is checked first. */
  private async follow(
    url: string,
    opts: Omit<SafeFetchOptions, 'maxBytes'>,
    signal: AbortSignal,
    deadline: AbortSignal,
  ): Promise<{ res: ResponseOf; url: string }> {
    const method = opts.method ?? 'GET';
    const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    let current = parseHttpUrl(url);
    for (let hop = 0; ; hop++) {
      await this.assertDestination(current);
      const res = await this.send(current, method, opts, signal, deadline);
      const location = headerOf(res.headers, 'location');
      if (!(method === 'GET' && REDIRECTS.has(res.statusCode) && location))
        return { res, url: current.toString() };
      await res.body.dump().catch(() => undefined);
      if (hop >= maxRedirects) throw new SafeFetchError('redirects', `more than ${maxRedirects} redirects`);
      current = parseHttpUrl(new URL(location, current).toString());
    }
  }

  /** Refuses a destination whose host is, or resolves to, a non-public address. */
  async assertDestination(url: URL): Promise<void> {
    if (this.policy.allowPrivate) return;
    const host = bareHost(url.hostname);
    const addresses = isIP(host) ? [host] : await resolveAll(host, this.policy.lookup ?? dnsLookup);
    const bad = addresses.find((a) => this.blocked(a));
    if (bad !== undefined) throw refusedAddress(host, bad);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(
    url: URL,
    method: string,
    opts: Omit<SafeFetchOptions, 'maxBytes'>,
    signal: AbortSignal,
    deadline: AbortSignal,
  ) {
    try {
      return await request(url, {
        method: method as 'GET',
        headers: { 'user-agent': 'Switchboard/1 (+media fetch)', ...opts.headers },
        body: opts.body,
        dispatcher: this.agent,
        signal,
        headersTimeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        bodyTimeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (err) {
      throw asFetchError(err, deadline);
    }
  }
}

type ResponseOf = Awaited<ReturnType<typeof request>>;

async function readCapped(res: ResponseOf, maxBytes: number, deadline: AbortSignal): Promise<Buffer> {
  const declared = Number(headerOf(res.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        res.body.destroy();
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SafeFetchError) throw err;
    throw asFetchError(err, deadline);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): SafeFetchError {
  return new SafeFetchError('too_large', `the body is larger than ${maxBytes} bytes`);
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SafeFetchError('invalid_url', 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SafeFetchError('invalid_url', `only http and https URLs can be fetched (got ${url.protocol})`);
  }
  if (url.username || url.password)
    throw new SafeFetchError('invalid_url', 'URLs with credentials are not fetched');
  return url;
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

async function resolveAll(host: string, lookup: typeof dnsLookup): Promise<string[]> {
  try {
    const found = await new Promise<LookupAddress[]>((resolve, reject) =>
      lookup(host, { all: true, verbatim: true }, (err, addresses) =>
        err ? reject(err) : resolve(addresses),
      ),
    );
    if (found.length === 0) throw new Error('no addresses');
    return found.map((a) => a.address);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new SafeFetchError('network', `cannot resolve "${host}"${code ? ` (${code})` : ''}`);
  }
}

function refusedAddress(host: string, ip: string): SafeFetchError {
  const what = 'a loopback, private, link-local or otherwise non-public address';
  return new SafeFetchError(
    'refused',
    host === ip ? `${ip} is ${what}` : `"${host}" resolves to ${ip}, ${what}`,
  );
}

/** The socket's own DNS lookup: every resolved address is checked again at connect time. */
function guardedLookup(blocked: (ip: string) => boolean, lookup: typeof dnsLookup) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string; hints?: number },
    callback: (err: Error | null, address?: string | LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err);
      const bad = addresses.find((a) => blocked(a.address));
      if (bad) return callback(refusedAddress(hostname, bad.address));
      if (addresses.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function asFetchError(err: unknown, deadline: AbortSignal): Error {
  if (err instanceof SafeFetchError) return err;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof SafeFetchError) return cause;
  if (
    deadline.aborted ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new SafeFetchError('timeout', 'the URL did not answer in time');
  }
  if (
    err instanceof undiciErrors.RequestAbortedError ||
    (err instanceof Error && err.name === 'AbortError')
  ) {
    const aborted = new Error('request aborted');
    aborted.name = 'AbortError';
    return aborted;
  }
  const code = (err as { code?: string } | undefined)?.code;
  return new SafeFetchError('network', `the URL could not be reached${code ? ` (${code})` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Address classification

const V4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  V4.addSubnet(net, prefix, 'ipv4');

const V6 = new BlockList();
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds an obfuscated IPv4)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  V6.addSubnet(net, prefix, 'ipv6');

/**
 * True for every address a gateway must not reach on a client's behalf: loopback, private,
 * link-local, unique-local, CGNAT, multicast, documentation and reserved ranges, in IPv4 or IPv6
 * (IPv4 embedded in IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16` is
 * checked as IPv4). Anything that is not an IP address is refused too.
 */
export function isPrivateAddress(ip: string): boolean {
  const addr = ip.split('%', 1)[0];
  const version = isIP(addr);
  if (version === 4) return V4.check(addr, 'ipv4');
  if (version !== 6) return true;
  const h = ipv6Hextets(addr);
  if (!h) return true;
  const embedded = embeddedIPv4(h);
  if (embedded) return V4.check(embedded, 'ipv4');
  return V6.check(addr, 'ipv6');
}

function embeddedIPv4(h: number[]): string | undefined {
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return v4(h[6], h[7]); // ::ffff:a.b.c.d
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return v4(h[6], h[7]); // NAT64
  if (h[0] === 0x2002) return v4(h[1], h[2]); // 6to4
  return undefined;
}

/** `::ffff:1.2.3.4`, `fe80::1`, … → eight 16-bit groups. */
function ipv6Hextets(addr: string): number[] | undefined {
  let text = addr.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const o = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (s: string | undefined) => (s ? s.split(':').map((x) => Number.parseInt(x, 16)) : []);
  const a = parse(head);
  const b = parse(tail);
  const fill = tail === undefined ? 0 : 8 - a.length - b.length;
  const groups = [...a, ...new Array<number>(Math.max(0, fill)).fill(0), ...b];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}
