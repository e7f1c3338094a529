/**
 * The secret scan over a whole e2e run (issue 18): every gateway started with startGateway writes its
 * log lines into the run's directory; its master key and every virtual key and webhook secret the
 * admin client is handed are registered there; the global teardown looks for them, and for any
 * `Bearer <value>`, in every log. Off when the directory is not set (outside jest's global setup).
 */
import {
  appendFileSync,
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  type WriteStream,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export const LOG_DIR_ENV = 'SWITCHBOARD_TEST_LOG_DIR';

const dir = (): string | undefined => process.env[LOG_DIR_ENV] || undefined;

/** A file for one gateway's log lines, or undefined when the scan is off. */
export function gatewayLogFile(label: string): WriteStream | undefined {
  const d = dir();
  if (!d) return undefined;
  const name = `${label.replace(/[^a-z0-9-]/gi, '')}-${process.pid}-${randomBytes(3).toString('hex')}.log`;
  return createWriteStream(path.join(d, name), { flags: 'a' });
}

/** Registers a plaintext secret the run handed out; the teardown looks for it in every log. */
export function registerSecret(secret: string | undefined): void {
  const d = dir();
  if (d && secret) appendFileSync(path.join(d, `secrets-${process.pid}.txt`), `${secret}\n`);
}

/** The leaks in the run's logs: `<file>: <what>` for every log that holds a registered secret or a Bearer value. */
export function scanRunLogs(logDir: string): string[] {
  mkdirSync(logDir, { recursive: true });
  const files = readdirSync(logDir);
  const secrets = new Set<string>();
  for (const f of files.filter((f) => f.startsWith('secrets-')))
    for (const s of readFileSync(path.join(logDir, f), 'utf8').split('\n')) if (s) secrets.add(s);
  const leaks: string[] = [];
  for (const f of files.filter((f) => f.endsWith('.log'))) {
    const text = readFileSync(path.join(logDir, f), 'utf8');
    for (const s of secrets) if (text.includes(s)) leaks.push(`${f}: a secret (${s.slice(0, 9)}…)`);
    const bearer = /Bearer\s+[A-Za-z0-9_\-.~+/]{8,}/.exec(text);
    if (bearer) leaks.push(`${f}: a Bearer value (${bearer[0].slice(0, 14)}…)`);
  }
  return leaks;
}
