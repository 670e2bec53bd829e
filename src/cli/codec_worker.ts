/**
 * A worker that reads and decodes input images, and encodes and writes
 * outputs to their temporaries, so the command line's main thread only
 * schedules.
 *
 * @module
 */

import { readImage, writeImage } from "./codec.ts";
import { type CodecReply, type CodecRequest, sourceBuffers } from "./codec_pool.ts";

const made = new Set<string>();

async function handle(req: CodecRequest): Promise<{ reply: CodecReply; transfer: Transferable[] }> {
  if (req.kind === "decode") {
    const source = await readImage(req.path, req.maxPixels, req.accepts, req.size);
    if (typeof source === "string") return { reply: { id: req.id, ok: false, reason: source }, transfer: [] };
    return { reply: { id: req.id, ok: true, source }, transfer: sourceBuffers(source) };
  }
  const written = await writeImage(req.tmp, req.data, req.shape, req.format, req.bitDepth, made);
  return {
    reply: typeof written === "string" ? { id: req.id, ok: false, reason: written } : { id: req.id, ok: true, written },
    transfer: [],
  };
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CodecRequest>) => void) | null;
  postMessage(message: CodecReply, transfer: Transferable[]): void;
};

scope.onmessage = async (e: MessageEvent<CodecRequest>) => {
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
