import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf } from '../../common/http/request-context';
import { AuthService } from '../auth/auth.service';
import { CatalogService } from '../routing/catalog.service';

@Injectable()
export class ModelListService {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
  ) {}

  async listForOpenAi(req: Request): Promise<unknown> {
    const data = (await this.visibleModels(req)).map((name) => ({
      id: name,
      object: 'model',
      created: this.created,
      owned_by: 'switchboard',
    }));
    return { object: 'list', data };
  }

  /** Google shape (`GET /v1beta/models`), as `@google/genai`'s `models.list` reads it. */
  async listForGoogle(req: Request): Promise<unknown> {
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

  private async visibleModels(req: Request): Promise<string[]> {
    requestIdOf(req);
    const identity = await this.auth.authenticate(req);
    return this.catalog
      .list()
      .filter((m) => m.deployments.some((d) => d.enabled))
      .filter((m) => {
        try {
          this.auth.authorizeModel(identity, m.name);
          return true;
        } catch {
          return false;
        }
      })
      .map((m) => m.name);
  }
}
