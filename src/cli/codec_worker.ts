/**
 * A worker of the command line: reads, augments and encodes whole inputs
 * (`process`), or, when the batches run on the GPU from the main thread,
 * reads and decodes inputs (`decode`) and encodes and writes outputs
 * (`encode`), so the main thread only schedules and keeps the ledger.
 *
 * With `FREQAUG_CRASH_AT=worker:<n>` a worker dies (an uncaught error) on
 * the n-th request it is given, unanswered, for the tests of a worker's death.
 *
 * @module
 */

import { readImage, writeImage } from "./codec.ts";
import { type CodecReply, type CodecRequest, sourceBuffers } from "./codec_pool.ts";
import { envVar } from "./env.ts";
import { processInput } from "./process_input.ts";

const made = new Set<string>();

async function handle(req: CodecRequest): Promise<{ reply: CodecReply; transfer: Transferable[] }> {
  if (req.kind === "decode") {
    const source = await readImage(req.path, req.maxPixels, req.accepts, req.size);
    if (typeof source === "string") return { reply: { id: req.id, ok: false, reason: source }, transfer: [] };
    return { reply: { id: req.id, ok: true, source }, transfer: sourceBuffers(source) };
  }
  if (req.kind === "process") {
    const done = await processInput(req.task, made, (shape) => scope.postMessage({ id: req.id, shape }, []));
    return { reply: { id: req.id, ok: true, done }, transfer: [] };
  }
  const written = await writeImage(req.tmp, req.data, req.shape, req.format, req.bitDepth, req.level, made);
  return {
    reply: typeof written === "string" ? { id: req.id, ok: false, reason: written } : { id: req.id, ok: true, written },
    transfer: [],
  };
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CodecRequest>) => void) | null;
  postMessage(message: CodecReply, transfer: Transferable[]): void;
};

const dieAt = Number(envVar("FREQAUG_CRASH_AT")?.match(/^worker:(\d+)$/)?.[1] ?? 0);
let requests = 0;

scope.onmessage = async (e: MessageEvent<CodecRequest>) => {
  if (++requests === dieAt) {
    setTimeout(() => {
      throw new Error(`planted crash (FREQAUG_CRASH_AT=worker:${dieAt})`);
    });
    return;
  }
  let out: { reply: CodecReply; transfer: Transferable[] };
  try {
    out = await handle(e.data);
  } catch (err) {
    out = {
      reply: { id: e.data.id, ok: false, reason: `codec failed (${err instanceof Error ? err.message : err})` },
      transfer: [],
    };
  }
  scope.postMessage(out.reply, out.transfer);
};
