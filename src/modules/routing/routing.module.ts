import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { CooldownService } from './cooldown.service';
import { DeploymentUsageService } from './deployment-usage.service';
import { RouterService } from './router.service';

@Module({
  providers: [CatalogService, CooldownService, DeploymentUsageService, RouterService],
  exports: [CatalogService, RouterService],
})
export class RoutingModule {}
