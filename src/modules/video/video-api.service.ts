import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import type { InferenceRequest, InferenceResponse } from '../../common/http/inference-request';
import { requestIdOf } from '../../common/http/request-context';
import { refuseNulText } from '../../common/validation/nul-text';
import { sendJson } from '../../common/http/send-json';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { DialectValidationError } from '../../dialects/dialect-validation-error';
import {
  klingTaskEnvelope,
  klingTaskIdOf,
  parseKlingCreate,
  type KlingRoute,
} from '../../dialects/video/kling-native';
import {
  openAiVideoDeleted,
  openAiVideoId,
  openAiVideoIdOf,
  openAiVideoList,
  openAiVideoObject,
  parseOpenAiVideoCreate,
  parseOpenAiVideoRemix,
} from '../../dialects/video/openai-videos';
import {
  parseSeedanceCreate,
  seedanceIdOf,
  seedanceTask,
  seedanceTaskId,
  seedanceTaskList,
} from '../../dialects/video/seedance-native';
import type { VideoCreateCall } from '../../dialects/video/video-create-call';
import {
  parseVeoFileId,
  parseVeoPredict,
  veoOperation,
  veoOperationIdOf,
} from '../../dialects/video/veo-native';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { VideoContentService } from './video-content.service';
import { videoRequestBody } from './video-request-body';
import { VideoSubmitService } from './video-submit.service';
import { VideoTaskControl } from './video-task-control';
import { VideoTaskStore, videoTaskView, type VideoTaskRow } from './video-task.store';
import type { VideoDialect } from './video-task.view';
import { veoFileUrl } from './video-render';

/** The video routes of the route table (contract §5), each answered in its dialect's native shape. */
export type VideoRouteName =
  | 'videos.create'
  | 'videos.list'
  | 'videos.retrieve'
  | 'videos.content'
  | 'videos.remix'
  | 'videos.delete'
  | 'kling.create'
  | 'kling.get'
  | 'seedance.create'
  | 'seedance.get'
  | 'seedance.list'
  | 'seedance.delete'
  | 'veo.predict'
  | 'veo.operation'
  | 'veo.fetchOperation'
  | 'veo.download';

type Handler = (req: InferenceRequest, res: InferenceResponse, identity: Identity) => Promise<void>;
type Obj = Record<string, unknown>;

const MAX_LIST = 100;

/**
 * The client side of video tasks: every dialect's create, get, list, content, remix and delete, on one
 * task table. Clients read the gateway's state (the worker polls the provider), scoped to the calling
 * key (the master key sees every task); another key's task is a 404.
 */
@Injectable()
export class VideoApiService {
  private readonly handlers: Record<VideoRouteName, Handler>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly submitter: VideoSubmitService,
    private readonly store: VideoTaskStore,
    private readonly content: VideoContentService,
    private readonly control: VideoTaskControl,
  ) {
    this.handlers = {
      'videos.create': (req, res, who) =>
        this.create(
          req,
          res,
          who,
          'openai',
          () => parseOpenAiVideoCreate(videoRequestBody(req.body)),
          (row) => openAiVideoObject(videoTaskView(row)),
        ),
      'videos.retrieve': async (req, res, who) =>
        sendJson(
          res,
          200,
          openAiVideoObject(
            videoTaskView(await this.task(who, openAiVideoIdOf(param(req, 'id')), 'video_id')),
          ),
        ),
      'videos.list': (req, res, who) => this.listOpenAi(req, res, who),
      'videos.content': async (req, res, who) =>
        this.content.stream(await this.task(who, openAiVideoIdOf(param(req, 'id')), 'video_id'), req, res, {
          variant: typeof req.query.variant === 'string' ? req.query.variant : undefined,
        }),
      'videos.remix': (req, res, who) => this.remix(req, res, who),
      'videos.delete': async (req, res, who) => {
        const row = await this.task(who, openAiVideoIdOf(param(req, 'id')), 'video_id');
        await this.control.delete(row);
        sendJson(res, 200, openAiVideoDeleted(row.id));
      },
      'kling.create': (req, res, who) => {
        const route = param(req, 'route') as KlingRoute;
        return this.create(
          req,
          res,
          who,
          'kling',
          () => parseKlingCreate(route, body(req)),
          (row) => klingTaskEnvelope(videoTaskView(row), requestIdOf(req)),
        );
      },
      'kling.get': async (req, res, who) =>
        sendJson(
          res,
          200,
          klingTaskEnvelope(
            videoTaskView(await this.task(who, klingTaskIdOf(param(req, 'id')), 'task_id')),
            requestIdOf(req),
          ),
        ),
      'seedance.create': (req, res, who) =>
        this.create(
          req,
          res,
          who,
          'seedance',
          () => parseSeedanceCreate(body(req)),
          (row) => ({
            id: seedanceTaskId(row.id),
          }),
        ),
      'seedance.get': async (req, res, who) =>
        sendJson(
          res,
          200,
          seedanceTask(videoTaskView(await this.task(who, seedanceIdOf(param(req, 'id')), 'id'))),
        ),
      'seedance.list': (req, res, who) => this.listSeedance(req, res, who),
      'seedance.delete': async (req, res, who) => {
        await this.control.cancelOrDelete(await this.task(who, seedanceIdOf(param(req, 'id')), 'id'));
        sendJson(res, 200, {});
      },
      'veo.predict': (req, res, who) =>
        this.create(
          req,
          res,
          who,
          'veo',
          () => parseVeoPredict(param(req, 'model'), body(req)),
          (row) => this.veoOperation(req, row),
        ),
      'veo.operation': async (req, res, who) =>
        sendJson(
          res,
          200,
          this.veoOperation(
            req,
            await this.task(who, veoOperationIdOf(`operations/${param(req, 'id')}`), 'name'),
          ),
        ),
      'veo.fetchOperation': async (req, res, who) => {
        const name = body(req).operationName;
        if (typeof name !== 'string' || name === '')
          throw new GatewayError(
            'invalid_request',
            "'operationName' must be an operation name (models/{model}/operations/{id})",
            {
              param: 'operationName',
            },
          );
        const id = veoOperationIdOf(name);
        sendJson(res, 200, this.veoOperation(req, await this.task(who, id, 'operationName')));
      },
      'veo.download': async (req, res, who) => {
        const file = parseVeoFileId(param(req, 'file'));
        const row = await this.task(who, file?.taskId, 'file');
        await this.content.stream(row, req, res, { index: file?.index ?? 0 });
      },
    };
  }

  async serve(name: VideoRouteName, req: InferenceRequest, res: InferenceResponse): Promise<void> {
    const identity = await this.auth.authenticate(req);
    await this.handlers[name](req, res, identity);
  }

  private async create(
    req: InferenceRequest,
    res: InferenceResponse,
    identity: Identity,
    dialect: VideoDialect,
    parse: () => VideoCreateCall,
    render: (row: VideoTaskRow) => unknown,
  ): Promise<void> {
    refuseNulText(videoRequestBody(req.body));
    const call = dialectParse(parse);
    const idem = req.headers['idempotency-key'];
    const row = await this.submitter.submit(identity, call, {
      dialect,
      requestId: requestIdOf(req),
      idempotencyKey: typeof idem === 'string' && idem ? idem : undefined,
    });
    sendJson(res, 200, render(row));
  }

  private async remix(req: InferenceRequest, res: InferenceResponse, identity: Identity): Promise<void> {
    const source = await this.task(identity, openAiVideoIdOf(param(req, 'id')), 'video_id');
    if (source.status !== 'completed')
      throw new GatewayError(
        'invalid_request',
        `video '${openAiVideoId(source.id)}' is ${source.status}; only a completed video can be remixed`,
        { param: 'video_id' },
      );
    const { prompt } = dialectParse(() => parseOpenAiVideoRemix(videoRequestBody(req.body)));
    const request = { ...(source.request as Obj), prompt };
    const row = await this.submitter.submit(
      identity,
      { publicModel: source.model, request, ...(source.size ? { size: source.size } : {}) },
      { dialect: 'openai', requestId: requestIdOf(req), remixOf: source },
    );
    sendJson(res, 200, openAiVideoObject(videoTaskView(row)));
  }

  private async listOpenAi(req: InferenceRequest, res: InferenceResponse, identity: Identity): Promise<void> {
    const q = req.query;
    const limit = intParam(q.limit, 'limit', 20, 1, MAX_LIST);
    const order = q.order === 'asc' ? 'asc' : 'desc';
    if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc')
      throw new GatewayError('invalid_request', "order must be 'asc' or 'desc'", { param: 'order' });
    const after = typeof q.after === 'string' && q.after ? openAiVideoIdOf(q.after) : undefined;
    if (typeof q.after === 'string' && q.after && !after)
      throw new GatewayError('invalid_request', `after is not a video id`, { param: 'after' });
    const rows = await this.store.list(
      { ...scope(identity), ...(after ? { id: order === 'asc' ? { gt: after } : { lt: after } } : {}) },
      limit + 1,
      order,
    );
    sendJson(res, 200, openAiVideoList(rows.slice(0, limit).map(videoTaskView), rows.length > limit));
  }

  private async listSeedance(
    req: InferenceRequest,
    res: InferenceResponse,
    identity: Identity,
  ): Promise<void> {
    const q = req.query;
    const pageNum = intParam(q.page_num, 'page_num', 1, 1, 500);
    const pageSize = intParam(q.page_size, 'page_size', 10, 1, MAX_LIST);
    const status = q['filter.status'];
    const where = {
      ...scope(identity),
      dialect: 'seedance',
      ...(typeof q['filter.model'] === 'string' ? { model: q['filter.model'] } : {}),
      ...(typeof status === 'string' ? { status: seedanceStatus(status) } : {}),
    };
    const [rows, total] = await Promise.all([
      this.store.list(where, pageSize, 'desc', (pageNum - 1) * pageSize),
      this.store.count(where),
    ]);
    sendJson(res, 200, seedanceTaskList(rows.map(videoTaskView), total));
  }

  private veoOperation(req: InferenceRequest, row: VideoTaskRow): unknown {
    const base = this.config.publicUrl ?? `http://${req.headers.host ?? `localhost:${this.config.port}`}`;
    return veoOperation(videoTaskView(row), (fileId) => veoFileUrl(base, fileId));
  }

  /** The caller's task by its gateway id (undefined: the public id was not one), else a 404 naming `field`. */
  private async task(identity: Identity, id: string | undefined, field: string): Promise<VideoTaskRow> {
    const row = id ? await this.store.owned(id, identity) : undefined;
    if (!row) throw new GatewayError('not_found', 'No such video task', { param: field });
    return row;
  }
}

function param(req: InferenceRequest, name: string): string {
  const v = req.params[name];
  return Array.isArray(v) ? v.join('/') : String(v ?? '');
}

function body(req: InferenceRequest): Obj {
  const b = req.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    throw new GatewayError('invalid_request', 'the request body must be a JSON object', { param: 'body' });
  return b as Obj;
}

/** A dialect's parse, its validation errors as 400s naming the field. */
function dialectParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DialectValidationError)
      throw new GatewayError('invalid_request', err.message, { param: err.param });
    throw err;
  }
}

function scope(identity: Identity): Obj {
  return identity.kind === 'master' ? {} : { keyId: identity.keyId };
}

function intParam(v: unknown, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new GatewayError('invalid_request', `${name} must be an integer from ${min} to ${max}`, {
      param: name,
    });
  return n;
}

const SEEDANCE_STATUSES: Record<string, VideoTaskRow['status']> = {
  queued: 'queued',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

function seedanceStatus(s: string): VideoTaskRow['status'] {
  const status = Object.hasOwn(SEEDANCE_STATUSES, s) ? SEEDANCE_STATUSES[s] : undefined;
  if (!status)
    throw new GatewayError(
      'invalid_request',
      `filter.status must be one of ${Object.keys(SEEDANCE_STATUSES).join(', ')}`,
      {
        param: 'filter.status',
      },
    );
  return status;
}
