import { Module } from '@nestjs/common';
import { CatalogAdminController } from './admin/catalog-admin.controller';
import { CatalogAdminService } from './admin/catalog-admin.service';
import { CatalogService } from './catalog.service';
import { CooldownService } from './cooldown.service';
import { DeploymentUsageService } from './deployment-usage.service';
import { RouteReserveRates } from './route-reserve-rates';
import { RouterService } from './router.service';

@Module({
  controllers: [CatalogAdminController],
  providers: [
    CatalogService,
    CooldownService,
    DeploymentUsageService,
    RouterService,
    RouteReserveRates,
    CatalogAdminService,
  ],
  exports: [CatalogService, RouterService, RouteReserveRates],
})
export class RoutingModule {}
