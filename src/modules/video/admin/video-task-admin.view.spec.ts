import { Prisma } from '../../../generated/prisma/client';
import type { VideoTaskRow } from '../video-task.store';
import { gatewayTaskIdOf } from './video-tasks-admin.service';
import { callbackOriginOf, videoTaskAdminView } from './video-task-admin.view';

const ID = '0123456789abcdef0123456789abcdef';

function row(over: Partial<VideoTaskRow> = {}): VideoTaskRow {
  const t = new Date('2026-12-01T10:00:00.000Z');
  return {
    id: ID,
    keyId: '11111111-1111-4111-8111-111111111111',
    teamId: null,
    model: 'kling-v2',
    deploymentId: 'kling-a',
    provider: 'kling',
    upstreamModel: 'kling-v2-master',
    upstreamTaskId: 'up-1',
    dialect: 'kling',
    status: 'failed',
    progress: 40,
    request: { prompt: 'p', image: { data: 'AAAA', mimeType: 'image/png' } },
    result: null,
    error: { code: 'task_timeout', message: 'too long' },
    seconds: new Prisma.Decimal('5.000'),
    size: '1280x720',
    callbackUrl: 'https://hooks.example.com/v/done?token=secret#frag',
    reservationId: '22222222-2222-4222-8222-222222222222',
    reservedUsd: new Prisma.Decimal('0.4000000000'),
    costUsd: null,
    settledAt: null,
    callbackDeliveredAt: null,
    createdAt: t,
    updatedAt: t,
    completedAt: new Date('2026-12-01T12:00:00.000Z'),
    requestId: 'req_1',
    upstreamRoute: 'text2video',
    resolution: 'pro',
    settlement: 'held',
    submittedAt: t,
    pollCount: 7,
    nextPollAt: null,
    lastPolledAt: t,
    upstreamStatus: 'processing',
    remixedFromId: null,
    callbackAttempts: 0,
    deletedAt: null,
    ...over,
  };
}

describe('videoTaskAdminView', () => {
  it('shows state, upstream and billing with decimal strings, never the request or the callback query', () => {
    const view = videoTaskAdminView(row());
    expect(view).toEqual({
      id: ID,
      status: 'failed',
      progress: 40,
      model: 'kling-v2',
      provider: 'kling',
      deployment_id: 'kling-a',
      upstream_model: 'kling-v2-master',
      upstream_task_id: 'up-1',
      upstream_status: 'processing',
      dialect: 'kling',
      key_id: '11111111-1111-4111-8111-111111111111',
      team_id: null,
      seconds: '5',
      size: '1280x720',
      resolution: 'pro',
      settlement: 'held',
      reserved_usd: '0.4',
      cost_usd: null,
      error: { code: 'task_timeout', message: 'too long' },
      poll_count: 7,
      next_poll_at: null,
      has_callback: true,
      callback_origin: 'https://hooks.example.com/v/done',
      created_at: '2026-12-01T10:00:00.000Z',
      completed_at: '2026-12-01T12:00:00.000Z',
      settled_at: null,
    });
    expect(JSON.stringify(view)).not.toMatch(/AAAA|secret|frag|request"/);
  });

  it('a task without callback, error or settlement', () => {
    const view = videoTaskAdminView(
      row({
        callbackUrl: null,
        error: null,
        costUsd: new Prisma.Decimal('0.25'),
        settledAt: new Date(0),
      }),
    );
    expect(view).toMatchObject({
      has_callback: false,
      callback_origin: null,
      error: null,
      cost_usd: '0.25',
      settled_at: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe('callbackOriginOf', () => {
  it('keeps origin and path, drops credentials, query and fragment', () => {
    expect(callbackOriginOf('https://u:p@h.example:8443/a/b?sig=1#x')).toBe('https://h.example:8443/a/b');
    expect(callbackOriginOf('not a url')).toBeNull();
  });
});

describe('gatewayTaskIdOf', () => {
  it('takes the gateway id and the OpenAI and Seedance forms of it', () => {
    expect(gatewayTaskIdOf(ID)).toBe(ID);
    expect(gatewayTaskIdOf(`video_${ID}`)).toBe(ID);
    expect(gatewayTaskIdOf(`cgt-${ID}`)).toBe(ID);
    expect(gatewayTaskIdOf('nope')).toBeUndefined();
  });
});
