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
    runImages(
      stagesOf(job.pipeline),
      job.params,
      job.data,
      0,
      job.params.length,
      job.dims,
    );
    scope.postMessage({ id: job.id, data: job.data }, [
      job.data.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    scope.postMessage({
      id: job.id,
      data: job.data,
      error: String((err as Error)?.stack ?? err),
    }, []);
  }
};
