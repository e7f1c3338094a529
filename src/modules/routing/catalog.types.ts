import type { DeploymentTarget } from '../../providers/core/adapter';
import type { PricingInput } from '../../config/config.types';

export interface CatalogDeployment extends DeploymentTarget {
  modelName: string;
  weight: number;
  priority: number;
  rpmLimit?: number;
  tpmLimit?: number;
  enabled: boolean;
}

export interface CatalogModel {
  name: string;
  source: string;
  pricing: PricingInput;
  fallbacks: string[];
  contextWindowFallbacks: string[];
  contentPolicyFallbacks: string[];
  aliases: string[];
  settings: Record<string, unknown>;
  deployments: CatalogDeployment[];
}

/** A public model name resolved against the catalog. */
export interface ResolvedModel {
  /** The name the client asked for (echoed in responses, contract §9.17). */
  requestedName: string;
  model: CatalogModel;
  /** For `prefix/*` wildcard models: the rest of the name, sent upstream instead of `upstreamModel`. */
  wildcardRest?: string;
  /** The `-nothink` suffix was used: thinking off (contract §4). */
  noThink?: boolean;
}
