import { Injectable } from '@nestjs/common';
import type { InferenceRequest, InferenceResponse } from '../../../common/http/inference-request';
import { MeteredPipeline } from '../pipeline/metered-pipeline';
import type { OperationName } from '../pipeline/operation';
import { InferenceOperations } from './inference-operations';

/** The HTTP edge's one entry into the inference path: an operation by name, through the pipeline. */
@Injectable()
export class OperationDispatcher {
  constructor(
    private readonly pipeline: MeteredPipeline,
    private readonly operations: InferenceOperations,
  ) {}

  serve(name: OperationName, req: InferenceRequest, res: InferenceResponse): Promise<void> {
    return this.pipeline.serve(this.operations.get(name), req, res);
  }
}
