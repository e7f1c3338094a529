import type { Logger } from '../../../common/logging/logger';
import type { ResponseStore } from './response-store';
import { ResponsesPurger } from './responses-purge.module';

describe('ResponsesPurger', () => {
  const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;

  it('deletes expired rows and logs how many', async () => {
    const store = { purgeExpired: jest.fn().mockResolvedValue(3) } as unknown as ResponseStore;
    await new ResponsesPurger(store, logger).purge();
    expect(store.purgeExpired).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith({ deleted: 3 }, expect.any(String));
  });

  it('logs a failure instead of throwing', async () => {
    const store = {
      purgeExpired: jest.fn().mockRejectedValue(new Error('db down')),
    } as unknown as ResponseStore;
    await expect(new ResponsesPurger(store, logger).purge()).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith({ err: 'db down' }, expect.any(String));
  });
});
