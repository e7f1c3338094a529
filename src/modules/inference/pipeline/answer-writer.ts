import type { InferenceResponse } from '../../../common/http/inference-request';
import { queueHeader, writeHeadWithQueued } from '../../../common/http/response-headers';
import { sendJson } from '../../../common/http/send-json';
import { SSE_HEADERS, writeFrames } from '../../../common/http/sse-writer';
import type { Logger } from '../../../common/logging/logger';
import type { AttemptInfo } from '../../routing/router.service';
import type { AttemptOutcome } from './operation';
import type { RequestMeter } from './request-meter';
import { errorTypeOf, midStreamStatusOf } from './error-type';
import { StreamErrorReported } from './streams';

/**
 * The HTTP edge of the pipeline: writes an attempt's outcome once, as JSON or as a stream (SSE or a
 * JSON array), with the routing headers. The request is metered (`commit`) before the answer
 * completes, so a crash right after it loses no record.
 */
export class AnswerWriter {
  constructor(private readonly logger: Logger) {}

  routingHeaders(res: InferenceResponse, info: AttemptInfo, attempts: number): void {
    queueHeader(res, 'x-switchboard-deployment', info.deployment.id);
    queueHeader(res, 'x-switchboard-provider', info.deployment.provider);
    queueHeader(res, 'x-switchboard-upstream-model', info.target.upstreamModel);
    if (attempts > 1) queueHeader(res, 'x-switchboard-attempts', String(attempts));
  }

  async write(
    res: InferenceResponse,
    outcome: AttemptOutcome,
    meter: RequestMeter,
    commit: () => Promise<void>,
    completed?: (body: unknown) => Promise<unknown>,
  ): Promise<void> {
    if (outcome.kind === 'json') {
      meter.succeeded(200);
      await commit();
      sendJson(res, 200, completed ? await completed(outcome.body) : outcome.body);
      return;
    }
    if (outcome.kind === 'raw') return this.writeRaw(res, outcome, meter, commit);
    await this.writeStream(res, outcome, meter, commit);
  }

  private async writeStream(
    res: InferenceResponse,
    outcome: Extract<AttemptOutcome, { kind: 'stream' }>,
    meter: RequestMeter,
    commit: () => Promise<void>,
  ): Promise<void> {
    writeHeadWithQueued(
      res,
      200,
      outcome.format === 'sse' ? SSE_HEADERS : ['content-type', 'application/json; charset=utf-8'],
    );
    res.flushHeaders();
    try {
      await writeFrames(res, outcome.frames, () => meter.firstByte());
      const failure = res.destroyed ? undefined : outcome.check?.failure();
      if (failure) meter.failed(failure.status, failure.code);
      else meter.succeeded(200);
      await commit();
      res.end();
    } catch (err) {
      meter.failed(res.destroyed ? 499 : midStreamStatusOf(err), errorTypeOf(err));
      this.logger.warn(
        { request_id: meter.requestId, err: err instanceof Error ? err.message : String(err) },
        'stream ended with an error',
      );
      // Told in-band (an error event the client's SDK raises): end the answer so that frame arrives.
      const frame =
        err instanceof StreamErrorReported || res.destroyed ? undefined : outcome.failureFrame?.(err);
      if (frame) res.write(frame);
      if ((err instanceof StreamErrorReported || frame) && !res.destroyed) res.end();
      else res.destroy();
    }
  }

  /**
   * A non-JSON body: a whole one is metered, then sent with its length; a streamed one (speech audio)
   * is written with backpressure and metered at its end (a failure mid-way destroys the answer).
   */
  private async writeRaw(
    res: InferenceResponse,
    outcome: Extract<AttemptOutcome, { kind: 'raw' }>,
    meter: RequestMeter,
    commit: () => Promise<void>,
  ): Promise<void> {
    const { body, contentType } = outcome;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      meter.succeeded(200);
      await commit();
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      writeHeadWithQueued(res, 200, ['content-type', contentType, 'content-length', String(length)]);
      res.end(body);
      return;
    }
    writeHeadWithQueued(res, 200, ['content-type', contentType]);
    try {
      await writeFrames(res, body, () => meter.firstByte());
      if (res.destroyed) meter.failed(499, 'connection');
      else meter.succeeded(200);
      await commit();
      res.end();
    } catch (err) {
      meter.failed(res.destroyed ? 499 : midStreamStatusOf(err), errorTypeOf(err));
      this.logger.warn(
        { request_id: meter.requestId, err: err instanceof Error ? err.message : String(err) },
        'raw answer ended with an error',
      );
      res.destroy();
    }
  }
}
