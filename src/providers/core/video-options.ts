import { ProviderError } from './provider-error';
import type { VideoOptions, VideoRequest } from './video';

/** How each request field is named in the caller's API, for the 400 that names it. */
export interface VideoFieldNames {
  seconds: string;
  aspectRatio: string;
  resolution: string;
}

/**
 * Refuses a request whose seconds, aspect ratio or resolution the provider does not allow, naming the
 * caller's field and listing the allowed values (contract §9.14). Pure.
 */
export function checkVideoOptions(
  req: VideoRequest,
  options: VideoOptions | undefined,
  provider: string,
  names: VideoFieldNames,
): void {
  if (!options) return;
  const refuse = (field: string, value: string, allowed: readonly (string | number)[]) => {
    throw new ProviderError({
      kind: 'invalid_request',
      param: field,
      message: `${provider} does not allow ${field} ${value}; allowed: ${allowed.join(', ')}`,
    });
  };
  if (req.durationSeconds !== undefined && options.seconds && !options.seconds.includes(req.durationSeconds))
    refuse(names.seconds, String(req.durationSeconds), options.seconds);
  if (
    req.aspectRatio !== undefined &&
    options.aspectRatios &&
    !options.aspectRatios.includes(req.aspectRatio)
  )
    refuse(names.aspectRatio, req.aspectRatio, options.aspectRatios);
  if (req.resolution !== undefined && options.resolutions && !options.resolutions.includes(req.resolution))
    refuse(names.resolution, req.resolution, options.resolutions);
}
