import type { Logger } from '../../common/logging/logger';
import type { AppConfig } from '../../config/config.types';
import type { LimitsService } from './limits.service';
import { RESERVATION_SWEEP_MS, ReservationSweeper } from './reservation-sweeper';

describe('ReservationSweeper', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
  const setup = (role: AppConfig['role'], enabled = true) => {
    const sweepReservations = jest.fn().mockResolvedValue(0);
    const limits = { enabled, redisDown: false, sweepReservations } as unknown as LimitsService;
    const sweeper = new ReservationSweeper({ role } as AppConfig, limits, logger);
    sweeper.onApplicationBootstrap();
    return { sweeper, sweepReservations };
  };

  it.each(['worker', 'all'] as const)('role %s sweeps every interval until shutdown', async (role) => {
    const { sweeper, sweepReservations } = setup(role);
    await jest.advanceTimersByTimeAsync(RESERVATION_SWEEP_MS * 3);
    expect(sweepReservations).toHaveBeenCalledTimes(3);
    sweeper.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(RESERVATION_SWEEP_MS * 3);
    expect(sweepReservations).toHaveBeenCalledTimes(3);
  });

  it('role api, or metering off: no sweep', async () => {
    for (const [role, enabled] of [
      ['api', true],
      ['all', false],
    ] as const) {
      const { sweepReservations } = setup(role, enabled);
      await jest.advanceTimersByTimeAsync(RESERVATION_SWEEP_MS * 2);
      expect(sweepReservations).not.toHaveBeenCalled();
    }
  });
});
