import { reserveEstimateNano } from '../usage/pricing/reserve-estimate';
import type { CatalogService } from './catalog.service';
import type { CatalogDeployment, CatalogModel, ResolvedModel } from './catalog.types';
import { RouteReserveRates } from './route-reserve-rates';

function deployment(upstreamModel: string, enabled = true): CatalogDeployment {
  return { id: upstreamModel, upstreamModel, enabled } as CatalogDeployment;
}

function model(
  name: string,
  deployments: CatalogDeployment[],
  lists: Partial<CatalogModel> = {},
): CatalogModel {
  return {
    name,
    source: 'config',
    pricing: {},
    fallbacks: [],
    contextWindowFallbacks: [],
    contentPolicyFallbacks: [],
    aliases: [],
    settings: {},
    deployments,
    ...lists,
  };
}

/** A catalog of `models`, resolving exact names and `prefix/*` wildcards, with a reload trigger. */
function catalogOf(models: CatalogModel[]) {
  let current = models;
  const listeners: Array<() => void> = [];
  const stub = {
    list: () => current,
    onChange: (l: () => void) => listeners.push(l),
    resolve: (name: string): ResolvedModel | undefined => {
      const exact = current.find((m) => m.name === name);
      if (exact) return { requestedName: name, model: exact };
      const w = current.find((m) => m.name.endsWith('/*') && name.startsWith(m.name.slice(0, -1)));
      return w && { requestedName: name, model: w, wildcardRest: name.slice(w.name.length - 1) };
    },
  };
  const reload = (next: CatalogModel[]) => {
    current = next;
    for (const l of listeners) l();
  };
  return { catalog: stub as unknown as CatalogService, reload };
}

/** $ reserved for a 10-token prompt and 1,000 output tokens, in nano-USD. */
const reserved = (rates: RouteReserveRates, name: string, catalog: CatalogService) =>
  reserveEstimateNano(10, 1000, rates.of(catalog.resolve(name)!));

describe('RouteReserveRates (issue 14 item 4)', () => {
  it('reserves at the costliest enabled deployment of the model and of every fallback chain, transitively', () => {
    const { catalog } = catalogOf([
      model('chat', [deployment('gemini-2.5-flash'), deployment('gpt-4o-mini')], {
        contextWindowFallbacks: ['bigger'],
      }),
      model(
        'bigger',
        [deployment('gemini-2.5-flash-lite'), deployment('gemini-3-pro-image-preview', false)],
        {
          contentPolicyFallbacks: ['image'],
        },
      ),
      model('image', [deployment('gemini-2.5-flash-image')], { fallbacks: ['chat'] }),
    ]);
    const rates = new RouteReserveRates(catalog);
    // chat → bigger → image: input max 0.30, output max 30 (2.5 Flash Image; the disabled 3 Pro Image is left out)
    expect(reserved(rates, 'chat', catalog)).toBe(10 * 300 + 1000 * 30_000);
    // bigger → image → chat: the same route
    expect(reserved(rates, 'bigger', catalog)).toBe(10 * 300 + 1000 * 30_000);
    expect(rates.routePricings(catalog.resolve('chat')!)).toHaveLength(4);
  });

  it('a catalog change rebuilds the rates; a wildcard route is priced by the name asked for', () => {
    const { catalog, reload } = catalogOf([model('chat', [deployment('gemini-2.5-flash')])]);
    const rates = new RouteReserveRates(catalog);
    expect(reserved(rates, 'chat', catalog)).toBe(10 * 300 + 1000 * 2500);
    reload([
      model('chat', [deployment('gemini-2.5-flash')], { fallbacks: ['google/gemini-2.5-pro'] }),
      model('google/*', [deployment('unused')]),
    ]);
    // the fallback resolves through the wildcard to gemini-2.5-pro: input 1.25, output 10
    expect(reserved(rates, 'chat', catalog)).toBe(10 * 1250 + 1000 * 10_000);
    expect(reserved(rates, 'google/gemini-2.5-flash-image', catalog)).toBe(10 * 300 + 1000 * 30_000);
  });
});
