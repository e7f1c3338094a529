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
    requestIdOf(req);
    const identity = await this.auth.authenticate(req);
    const data = this.catalog
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
      .map((m) => ({ id: m.name, object: 'model', created: this.created, owned_by: 'switchboard' }));
    return { object: 'list', data };
  }
}
