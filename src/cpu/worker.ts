/**
 * Worker entry of the CPU backend: runs chunks of images and sends them back.
 *
 * @module
 */

import { stagesOf } from "../dsl/stages.ts";
import { runImages } from "./kernel.ts";
import type { Job, JobResult } from "./pool.ts";
import { allocOut } from "./io.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(message: JobResult, transfer: Transferable[]): void;
};

scope.onmessage = (e: MessageEvent<Job>) => {
  const job = e.data;
  try {
    const n = job.params.length, o = job.outDims;
    const per = (job.io.outBytes || o.channels) * o.height * o.width;
    const out = allocOut(job.out, n * per);
    runImages(stagesOf(job.pipeline), job.params, job.data, 0, n, job.dims, out, 0, o, job.io);
    scope.postMessage({ id: job.id, data: out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({
      id: job.id,
      data: new Uint8Array(0),
      error: String((err as Error)?.stack ?? err),
    }, []);
  }
};
