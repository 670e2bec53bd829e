/**
 * Serves the playground on this machine: builds the page (see build.ts) and
 * serves it with the cross-origin isolation headers, so the CPU workers
 * share memory with the page. Rebuilds when a source file changes.
 *
 *   deno task playground [--port 8000] [--host 127.0.0.1]
 *
 * @module
 */

import { build, type Built, ISOLATION_HEADERS } from "./build.ts";

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
};

/** A running server: its address, and how to stop it. */
export interface PlaygroundServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Builds the page and serves it on `host:port` (port 0: any free port). */
export async function servePlayground(
  options: { port?: number; host?: string; watch?: boolean; log?: (line: string) => void } = {},
): Promise<PlaygroundServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  let files: Built = await build({ minify: false });
  const ac = new AbortController();
  const server = Deno.serve({
    port: options.port ?? 8000,
    hostname: options.host ?? "127.0.0.1",
    signal: ac.signal,
    onListen: () => {},
  }, (req) => {
    const path = new URL(req.url).pathname;
    const name = path === "/" ? "index.html" : path.slice(1);
    const body = files.get(name);
    const headers = new Headers({ ...ISOLATION_HEADERS, "Cache-Control": "no-store" });
    // _headers is for static hosts, not a page of its own.
    if (!body || name === "_headers") {
      headers.set("Content-Type", "text/plain; charset=utf-8");
      return new Response("not found\n", { status: 404, headers });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      headers.set("Content-Type", "text/plain; charset=utf-8");
      headers.set("Allow", "GET, HEAD");
      return new Response("method not allowed\n", { status: 405, headers });
    }
    headers.set("Content-Type", TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream");
    return new Response(req.method === "HEAD" ? null : body.slice(), { headers });
  });
  let watcher: Deno.FsWatcher | null = null;
  if (options.watch) {
    const root = new URL("../", import.meta.url).pathname;
    watcher = Deno.watchFs([`${root}playground`, `${root}src`, `${root}shaders`]);
    void (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      for await (const e of watcher!) {
        if (!e.paths.some((p) => /\.(ts|html|css|wgsl|wasm)$/.test(p))) continue;
        clearTimeout(timer);
        timer = setTimeout(async () => {
          try {
            files = await build({ minify: false });
            log("rebuilt; reload the page");
          } catch (err) {
            log(`rebuild failed (still serving the last build): ${(err as Error).message}`);
          }
        }, 200);
      }
    })();
  }
  const { port } = server.addr as Deno.NetAddr;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    port,
    async close() {
      watcher?.close();
      ac.abort();
      await server.finished;
    },
  };
}

function parseArgs(args: readonly string[]): { port: number; host: string } | string {
  let port = 8000, host = "127.0.0.1";
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--port") {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) return `--port: got ${v}, expected an integer in 0..65535`;
      port = n;
      i++;
    } else if (a === "--host") {
      if (!v) return "--host: expected an address";
      host = v;
      i++;
    } else return `unknown argument ${a}`;
  }
  return { port, host };
}

if (import.meta.main) {
  const a = parseArgs(Deno.args);
  if (typeof a === "string") {
    console.error(`${a}\nusage: deno task playground [--port 8000] [--host 127.0.0.1]`);
    Deno.exit(2);
  }
  try {
    const s = await servePlayground({ ...a, watch: true });
    console.log(`freqaug playground: ${s.url}  (Ctrl-C to stop)`);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      console.error(`port ${a.port} is in use: try --port ${a.port + 1}, or --port 0 for any free port`);
      Deno.exit(1);
    }
    throw e;
  }
}
