import type { INestApplication } from '@nestjs/common';
import type { InferenceRequest, InferenceResponse } from '../common/http/inference-request';
import { sendJson } from '../common/http/send-json';
import { GoogleCachesService } from '../modules/inference/google-caches.service';
import { ModelListService } from '../modules/inference/model-list.service';
import { OperationDispatcher } from '../modules/inference/operations/operation-dispatcher';
import { ResponsesService } from '../modules/inference/responses/responses.service';
import { VideoApiService } from '../modules/video/video-api.service';
import type { RouteEntry, ServiceRouteName } from './route-table';

type ServiceCall = (req: InferenceRequest) => Promise<unknown>;

/** Serves one matched route: a metered operation through the pipeline, a video task route, or a service's JSON answer. */
export type RouteDispatch = (
  entry: RouteEntry,
  req: InferenceRequest,
  res: InferenceResponse,
) => Promise<void>;

export function routeDispatch(app: INestApplication): RouteDispatch {
  const inference = app.get(OperationDispatcher);
  const models = app.get(ModelListService);
  const caches = app.get(GoogleCachesService);
  const videos = app.get(VideoApiService);
  const responses = app.get(ResponsesService);
  const id = (req: InferenceRequest) => String(req.params.id);
  const services: Record<ServiceRouteName, ServiceCall> = {
    'models.list': (req) => models.listForOpenAi(req),
    'models.retrieve': (req) => models.retrieveForOpenAi(req),
    'models.listGoogle': (req) => models.listForGoogle(req),
    'cachedContents.list': (req) => caches.list(req),
    'cachedContents.get': (req) => caches.get(req, id(req)),
    'cachedContents.update': (req) => caches.update(req, id(req)),
    'cachedContents.delete': (req) => caches.remove(req, id(req)),
    'responses.retrieve': (req) => responses.retrieve(req, id(req)),
    'responses.delete': (req) => responses.remove(req, id(req)),
  };
  return async (entry, req, res) => {
    if ('operation' in entry.serves) return inference.serve(entry.serves.operation, req, res);
    if ('video' in entry.serves) return videos.serve(entry.serves.video, req, res);
    sendJson(res, 200, await services[entry.serves.service](req));
  };
}
