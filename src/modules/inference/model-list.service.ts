import { Injectable } from '@nestjs/common';
import type { InferenceRequest } from '../../common/http/inference-request';
import { GatewayError } from '../../common/errors/gateway-error';
import { requestIdOf } from '../../common/http/request-context';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { CatalogService } from '../routing/catalog.service';
import type { CatalogModel } from '../routing/catalog.types';

/** The prefixes of `GET /v1/models/{model}`; the rest of the path is the model (names may hold `/`). */
const OPENAI_MODEL_PATH = /^\/(?:v1\/)?models\//;

@Injectable()
export class ModelListService {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
  ) {}

  async listForOpenAi(req: InferenceRequest): Promise<unknown> {
    const data = (await this.visibleModels(req)).map((name) => this.openAiModel(name));
    return { object: 'list', data };
  }

  /**
   * `GET /v1/models/{model}`: the OpenAI Model object of a name the key could call (alias, `-nothink`
   * and wildcard names included, answered under the name asked for), under the visibility rules of
   * the list; anything else is 404 `model_not_found`, whether unknown or not allowed to this key.
   */
  async retrieveForOpenAi(req: InferenceRequest): Promise<unknown> {
    const identity = await this.identityOf(req);
    const name = decodeURIComponent(req.path.replace(OPENAI_MODEL_PATH, ''));
    const model = this.catalog.resolve(name)?.model;
    if (!model || !this.visibleTo(identity, model))
      throw new GatewayError('model_not_found', `The model '${name}' does not exist`, { param: 'model' });
    return this.openAiModel(name);
  }

  private openAiModel(name: string) {
    return { id: name, object: 'model', created: this.created, owned_by: 'switchboard' };
  }

  /** Google shape (`GET /v1beta/models`), as `@google/genai`'s `models.list` reads it. */
  async listForGoogle(req: InferenceRequest): Promise<unknown> {
    const models = (await this.visibleModels(req)).map((name) => ({
      name: `models/${name}`,
      baseModelId: name,
      displayName: name,
      supportedGenerationMethods: [
        'generateContent',
        'streamGenerateContent',
        'countTokens',
        'embedContent',
        'batchEmbedContents',
      ],
    }));
    return { models };
  }

  private async visibleModels(req: InferenceRequest): Promise<string[]> {
    const identity = await this.identityOf(req);
    return this.catalog
      .list()
      .filter((m) => this.visibleTo(identity, m))
      .map((m) => m.name);
  }

  private identityOf(req: InferenceRequest): Promise<Identity> {
    requestIdOf(req);
    return this.auth.authenticate(req);
  }

  /** A model is listed when it has an enabled deployment and the key may call it. */
  private visibleTo(identity: Identity, m: CatalogModel): boolean {
    if (!m.deployments.some((d) => d.enabled)) return false;
    try {
      this.auth.authorizeModel(identity, m.name);
      return true;
    } catch {
      return false;
    }
  }
}
