import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { RouterService } from './router.service';

@Module({ providers: [CatalogService, RouterService], exports: [CatalogService, RouterService] })
export class RoutingModule {}
