import { Injectable } from '@nestjs/common';
import type { PricingInput } from '../../config/config.types';
import { effectivePricing } from '../usage/pricing/price-table';
import { reserveRatesOf, type ReserveRates } from '../usage/pricing/reserve-estimate';
import { CatalogService } from './catalog.service';
import type { CatalogModel, ResolvedModel } from './catalog.types';

/** Wildcard routes (priced by the requested name) kept at most; the memo starts over beyond. */
const MAX_WILDCARD_ROUTES = 1_000;

/**
 * The rates a budget reservation is estimated at, per route: the costliest pricing among every
 * enabled deployment of the model and of its fallback chains (general, context-window and
 * content-policy, followed transitively, as the router may). Built for every model when the catalog
 * changes, so a request reads a map; wildcard routes, priced by the name asked for, on first use.
 */
@Injectable()
export class RouteReserveRates {
  private byModel = new Map<CatalogModel, ReserveRates>();
  private byWildcard = new Map<string, ReserveRates>();

  constructor(private readonly catalog: CatalogService) {
    catalog.onChange(() => this.rebuild());
    this.rebuild();
  }

  of(resolved: ResolvedModel): ReserveRates {
    if (resolved.wildcardRest === undefined) {
      const built = this.byModel.get(resolved.model);
      if (built) return built;
    }
    const key = `${resolved.model.name}|${resolved.wildcardRest ?? ''}`;
    let rates = this.byWildcard.get(key);
    if (!rates) {
      if (this.byWildcard.size >= MAX_WILDCARD_ROUTES) this.byWildcard.clear();
      rates = reserveRatesOf(this.routePricings(resolved));
      this.byWildcard.set(key, rates);
    }
    return rates;
  }

  /** Every pricing a request for `resolved` can be billed at. */
  routePricings(resolved: ResolvedModel): PricingInput[] {
    const out: PricingInput[] = [];
    const seen = new Set<string>([resolved.model.name]);
    const queue: ResolvedModel[] = [resolved];
    for (let i = 0; i < queue.length; i++) {
      const { model, wildcardRest } = queue[i];
      const enabled = model.deployments.filter((d) => d.enabled);
      if (enabled.length === 0) out.push(effectivePricing(model.pricing, wildcardRest, model.name));
      for (const d of enabled)
        out.push(effectivePricing(model.pricing, wildcardRest ?? d.upstreamModel, model.name));
      for (const name of [
        ...model.fallbacks,
        ...model.contextWindowFallbacks,
        ...model.contentPolicyFallbacks,
      ]) {
        const next = this.catalog.resolve(name);
        if (next && !seen.has(next.model.name)) {
          seen.add(next.model.name);
          queue.push(next);
        }
      }
    }
    return out;
  }

  private rebuild(): void {
    const byModel = new Map<CatalogModel, ReserveRates>();
    for (const model of this.catalog.list())
      if (!model.name.endsWith('/*'))
        byModel.set(model, reserveRatesOf(this.routePricings({ requestedName: model.name, model })));
    this.byModel = byModel;
    this.byWildcard = new Map();
  }
}
