import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gatewayLogFile, LOG_DIR_ENV, registerSecret, scanRunLogs } from './run-secrets';

describe('the run-wide secret scan', () => {
  const before = process.env[LOG_DIR_ENV];
  afterEach(() =>
    before === undefined ? delete process.env[LOG_DIR_ENV] : (process.env[LOG_DIR_ENV] = before),
  );

  it('finds a registered secret or a Bearer value in any gateway log, and nothing in clean logs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-scan-'));
    process.env[LOG_DIR_ENV] = dir;
    registerSecret('sk-sb-registered-secret-value');
    const log = gatewayLogFile('suite')!;
    await new Promise<void>((r) => log.end('{"msg":"request","url":"/v1/models?key=[redacted]"}\n', r));
    expect(scanRunLogs(dir)).toEqual([]);
    writeFileSync(path.join(dir, 'other.log'), 'oops sk-sb-registered-secret-value and Bearer abcdefgh123\n');
    expect(scanRunLogs(dir)).toEqual([
      'other.log: a secret (sk-sb-reg…)',
      'other.log: a Bearer value (Bearer abcdefg…)',
    ]);
  });

  it('is off without the run directory', () => {
    delete process.env[LOG_DIR_ENV];
    expect(gatewayLogFile('x')).toBeUndefined();
    expect(() => registerSecret('anything')).not.toThrow();
  });
});
