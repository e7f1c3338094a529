import { Injectable } from '@nestjs/common';
import type { InferenceRequest } from '../../../common/http/inference-request';
import { AuthService } from '../../auth/auth.service';
import { ResponseStore } from './response-store';

/**
 * `GET` and `DELETE /v1/responses/{id}`: the calling key's stored responses (another key's id, an
 * expired or unknown one → 404 naming `response_id`).
 */
@Injectable()
export class ResponsesService {
  constructor(
    private readonly auth: AuthService,
    private readonly store: ResponseStore,
  ) {}

  /** The stored Response object, as it was answered. */
  async retrieve(req: InferenceRequest, id: string): Promise<unknown> {
    const identity = await this.auth.authenticate(req);
    return (await this.store.owned(identity, id, 'response_id')).response;
  }

  /** Deletes it: `{id, object: "response", deleted: true}`. */
  async remove(req: InferenceRequest, id: string): Promise<unknown> {
    const identity = await this.auth.authenticate(req);
    await this.store.remove(identity, id, 'response_id');
    return { id, object: 'response', deleted: true };
  }
}
