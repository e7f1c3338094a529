import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { RedisService } from '../../database/redis.service';
import { LimitsService } from '../limits/limits.service';
import type { ReadinessResponse } from './dto/health.response';

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly limits: LimitsService,
  ) {}

  async readiness(): Promise<ReadinessResponse> {
    const [postgres, redis] = await Promise.all([
      withTimeout(
        this.prisma.$queryRawUnsafe('SELECT 1').then(() => true),
        2000,
      ),
      withTimeout(this.redis.ping(), 2000),
    ]);
    // A Redis that answers but cannot run the limits (a Cluster node, a failing script) is not ready.
    const limits = !this.redis.topologyProblem && this.limits.scriptsRunning;
    return { status: postgres && redis && limits ? 'ok' : 'unavailable', postgres, redis, limits };
  }
}

function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  return Promise.race([
    p.catch(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
  ]);
}
