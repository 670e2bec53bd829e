/**
 * A worker that reads and decodes input images, and encodes and writes
 * output PNGs, so the command line's main thread only schedules.
 *
 * @module
 */

import { readImage, writeImage } from "./codec.ts";
import type { CodecReply, CodecRequest } from "./codec_pool.ts";

const made = new Set<string>();

async function handle(req: CodecRequest): Promise<{ reply: CodecReply; transfer: Transferable[] }> {
  if (req.kind === "decode") {
    const img = await readImage(req.path, req.maxPixels, req.size);
    if (typeof img === "string") return { reply: { id: req.id, ok: false, reason: img }, transfer: [] };
    return {
      reply: { id: req.id, ok: true, width: img.width, height: img.height, data: img.data },
      transfer: [img.data.buffer as ArrayBuffer],
    };
  }
  const problem = await writeImage(req.path, req.data, req.height, req.width, made);
  return { reply: problem ? { id: req.id, ok: false, reason: problem } : { id: req.id, ok: true }, transfer: [] };
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CodecRequest>) => void) | null;
  postMessage(message: CodecReply, transfer: Transferable[]): void;
};

scope.onmessage = async (e: MessageEvent<CodecRequest>) => {
  const { reply, transfer } = await handle(e.data);
  scope.postMessage(reply, transfer);
};
