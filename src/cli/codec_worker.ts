/**
 * A worker that reads and decodes input images, and encodes and writes
 * output PNGs, so the command line's main thread only schedules.
 *
 * @module
 */

import { decodeImage, resize } from "../io/decode.ts";
import { pngBytes, writeFileAtomic } from "../io/png.ts";
import type { CodecReply, CodecRequest } from "./codec_pool.ts";

const made = new Set<string>();

async function handle(req: CodecRequest): Promise<{ reply: CodecReply; transfer: Transferable[] }> {
  if (req.kind === "decode") {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(req.path);
    } catch (e) {
      return {
        reply: { id: req.id, ok: false, reason: `cannot read (${e instanceof Error ? e.message : e})` },
        transfer: [],
      };
    }
    const img = decodeImage(bytes, req.maxPixels);
    if (typeof img === "string") return { reply: { id: req.id, ok: false, reason: img }, transfer: [] };
    const out = req.size ? resize(img, req.size.height, req.size.width) : img;
    return {
      reply: { id: req.id, ok: true, width: out.width, height: out.height, data: out.data },
      transfer: [out.data.buffer as ArrayBuffer],
    };
  }
  try {
    const dir = req.path.slice(0, req.path.lastIndexOf("/"));
    if (!made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const bytes = pngBytes({ data: req.data, count: 1, channels: 3, height: req.height, width: req.width }, 0);
    await writeFileAtomic(req.path, bytes);
    return { reply: { id: req.id, ok: true }, transfer: [] };
  } catch (e) {
    return {
      reply: { id: req.id, ok: false, reason: `cannot write (${e instanceof Error ? e.message : e})` },
      transfer: [],
    };
  }
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CodecRequest>) => void) | null;
  postMessage(message: CodecReply, transfer: Transferable[]): void;
};

scope.onmessage = async (e: MessageEvent<CodecRequest>) => {
  const { reply, transfer } = await handle(e.data);
  scope.postMessage(reply, transfer);
};
