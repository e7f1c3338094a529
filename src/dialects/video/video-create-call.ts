import type { VideoRequest } from '../../providers/core/video';

/**
 * A video create request as a client dialect understood it: the public model asked for, the
 * provider-neutral request, and what the task keeps to render itself back in the client's shape.
 */
export interface VideoCreateCall {
  /** The public model name the client sent (catalog name or alias). */
  publicModel: string;
  request: VideoRequest;
  /** OpenAI-style `WxH`, as asked (the unified API only). */
  size?: string;
  /** The seconds asked for, as decimal text (`"8"`), when the client named them. */
  seconds?: string;
  /** An http(s) URL the final task object is POSTed to (contract §5). */
  callbackUrl?: string;
  /** Kling's endpoint family the task was created under (`text2video` | `image2video`). */
  nativeRoute?: string;
}
