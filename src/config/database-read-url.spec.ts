import { ConfigError } from './config-error';
import { loadEnv } from './env.loader';

describe('DATABASE_READ_URL', () => {
  it('is optional: unset or empty, reports read the primary', () => {
    expect(loadEnv({}).databaseReadUrl).toBeUndefined();
    expect(loadEnv({ DATABASE_READ_URL: '' }).databaseReadUrl).toBeUndefined();
  });

  it('takes a postgres URL as given', () => {
    const url = 'postgresql://reader@replica.internal:5432/switchboard';
    expect(loadEnv({ DATABASE_READ_URL: url }).databaseReadUrl).toBe(url);
    expect(loadEnv({ DATABASE_READ_URL: 'postgres://r@h/db' }).databaseReadUrl).toBe('postgres://r@h/db');
  });

  it('refuses a value that is not a postgres URL, naming the variable', () => {
    expect(() => loadEnv({ DATABASE_READ_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadEnv({ DATABASE_READ_URL: 'mysql://h/db' })).toThrow(/DATABASE_READ_URL/);
  });
});
