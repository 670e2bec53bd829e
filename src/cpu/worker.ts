/**
 * Worker entry of the CPU backend: runs chunks of images and sends them back.
 *
 * @module
 */

import { stagesOf } from "../dsl/stages.ts";
import { runImages } from "./kernel.ts";
import type { Job, JobResult } from "./pool.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(message: JobResult, transfer: Transferable[]): void;
};

scope.onmessage = (e: MessageEvent<Job>) => {
  const job = e.data;
  try {
    const n = job.params.length, o = job.outDims;
    const per = o.channels * o.height * o.width;
    const out = job.data instanceof Float64Array ? new Float64Array(n * per) : new Float32Array(n * per);
    runImages(stagesOf(job.pipeline), job.params, job.data, 0, n, job.dims, out, 0, o);
    scope.postMessage({ id: job.id, data: out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({
      id: job.id,
      data: job.data,
      error: String((err as Error)?.stack ?? err),
    }, []);
  }
};
