import { Module } from '@nestjs/common';
import { LimitsService } from './limits.service';
import { ReservationSweeper } from './reservation-sweeper';

@Module({ providers: [LimitsService, ReservationSweeper], exports: [LimitsService] })
export class LimitsModule {}
