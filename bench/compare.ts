// freqaug's CPU backend against batched PyTorch on the CPU (bench/torch_cpu.py,
// a long-lived process driven over stdin/stdout), the GMM of lightly's
// settings, interleaved in one run: for each size, rounds of [freqaug, torch];
// a side's time in a round is the wall time of enough calls to fill ~300 ms,
// with the random draws inside; images per second from the median round.
//
//   deno task bench --compare [--rounds N | --quick] [--sizes 224x224:64,32x32:256]
//                             [--workers N] [--torch-threads N] [--python PATH]
//
// Before timing, each size checks that both sides do the same work: the peer
// replays freqaug's own draws on the same input (max_abs_diff), and with draws
// of its own gives output of the same shape, mean and std (a loose band).
// Lines: one { bench: "compare", ... } per size, then a summary with the
// smallest ratio (freqaug / torch); a table on stderr. Without python3 or
// torch: one { bench: "compare", skipped } line, exit 0.
import { augment, gmm, pipe, releaseWorkers } from "../mod.ts";
import { workerCount } from "../src/cpu/backend.ts";
import { hold } from "../src/cpu/pool.ts";

const SIZES = "32x32:256,64x64:256,97x89:256,128x128:196,224x224:64,223x227:63,512x512:12,1024x1024:4";
const ROUND_MS = 300;
const PEER = "torch-batched-cpu";
const op = gmm({ k: 20, sigma: [10, 15], c: 1 });
const pipeline = pipe(op);

interface Size {
  readonly height: number;
  readonly width: number;
  readonly batch: number;
}

interface Options {
  readonly sizes: readonly Size[];
  readonly rounds: number;
  readonly workers?: number;
  readonly torchThreads: number;
  readonly python: string;
}

function count(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag}: got ${value}, want an integer >= ${min}`);
  return n;
}

function parseSizes(text: string): Size[] {
  return text.split(",").map((s) => {
    const m = /^(\d+)x(\d+):(\d+)$/.exec(s.trim());
    if (!m || m.slice(1).some((d) => Number(d) < 1)) {
      throw new Error(`--sizes: got "${s}", want HxW:BATCH with each >= 1 (e.g. 224x224:64)`);
    }
    return { height: Number(m[1]), width: Number(m[2]), batch: Number(m[3]) };
  });
}

function parseArgs(args: readonly string[]): Options {
  let sizes = parseSizes(SIZES), rounds = 5, workers: number | undefined, python = "/usr/bin/python3";
  let torchThreads = navigator.hardwareConcurrency, roundsGiven = false, quick = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = () => args[++i];
    if (a === "--compare") continue;
    else if (a === "--quick") quick = true;
    else if (a === "--rounds") [rounds, roundsGiven] = [count(a, next(), 1), true];
    else if (a === "--sizes") sizes = parseSizes(next() ?? "");
    else if (a === "--workers") workers = count(a, next(), 0);
    else if (a === "--torch-threads") torchThreads = count(a, next(), 1);
    else if (a === "--python") python = next() ?? "";
    else throw new Error(`unknown option ${a}`);
  }
  return { sizes, rounds: quick && !roundsGiven ? 2 : rounds, workers, torchThreads, python };
}

type Answer = Record<string, unknown>;

/** The torch process: one JSON command per line in, one answer per line out. */
class Peer {
  #buffer = "";
  private constructor(
    private readonly child: Deno.ChildProcess,
    private readonly writer: WritableStreamDefaultWriter<Uint8Array>,
    private readonly reader: ReadableStreamDefaultReader<string>,
  ) {}

  static start(python: string, threads: number): Peer {
    const child = new Deno.Command(python, {
      args: [decodeURIComponent(new URL("./torch_cpu.py", import.meta.url).pathname), String(threads)],
      env: { OMP_WAIT_POLICY: "PASSIVE" },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return new Peer(child, child.stdin.getWriter(), child.stdout.pipeThrough(new TextDecoderStream()).getReader());
  }

  /** Sends a command (and its float32 payload) and returns the answer; throws on an error answer. */
  async ask(command: Answer, payload?: Float32Array): Promise<Answer> {
    const ended = async () => new Error(`the torch process ended (${JSON.stringify(await this.child.status)})`);
    try {
      await this.writer.write(new TextEncoder().encode(JSON.stringify(command) + "\n"));
      if (payload) await this.writer.write(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } catch {
      throw await ended();
    }
    let end;
    while ((end = this.#buffer.indexOf("\n")) < 0) {
      const { value, done } = await this.reader.read();
      if (done) throw await ended();
      this.#buffer += value;
    }
    const answer = JSON.parse(this.#buffer.slice(0, end)) as Answer;
    this.#buffer = this.#buffer.slice(end + 1);
    if (typeof answer.error === "string") throw new Error(`torch_cpu.py: ${answer.error}`);
    return answer;
  }

  /** Ends the process: end of input, then a kill if it has not exited within 5 s. */
  async close(): Promise<void> {
    await this.writer.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((r) => timer = setTimeout(r, 5000, "late"));
    if (await Promise.race([this.child.status, late]) === "late") this.kill();
    clearTimeout(timer);
    await this.child.status;
    await this.reader.cancel().catch(() => {});
  }

  kill(): void {
    try {
      this.child.kill("SIGKILL");
    } catch { /* already ended */ }
  }
}

/** A batch of smooth random images (two separable waves per channel) plus noise, in [0, 1]. */
function content({ height: H, width: W, batch }: Size): Float32Array {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const wave = (n: number) => {
    const f = 0.5 + 3.5 * rand(), p = 2 * Math.PI * rand();
    return Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / n + p));
  };
  const data = new Float32Array(batch * 3 * H * W);
  for (let plane = 0; plane < batch * 3; plane++) {
    const [r1, c1, r2, c2] = [wave(H), wave(W), wave(H), wave(W)];
    for (let h = 0, o = plane * H * W; h < H; h++) {
      for (let w = 0; w < W; w++, o++) {
        const v = 0.5 + 0.2 * r1[h] * c1[w] + 0.15 * r2[h] * c2[w] + 0.1 * (rand() - 0.5);
        data[o] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return data;
}

function meanOf(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v;
  return sum / x.length;
}

/** The standard deviation of each image of a batch. */
function imageStds(x: Float32Array, batch: number): number[] {
  const per = x.length / batch;
  return Array.from({ length: batch }, (_, n) => {
    const img = x.subarray(n * per, (n + 1) * per), m = meanOf(img);
    let sq = 0;
    for (const v of img) sq += (v - m) ** 2;
    return Math.sqrt(sq / (per - 1));
  });
}

/** Mean and its standard error. */
function spread(xs: readonly number[]): { mean: number; se: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) : 0;
  return { mean: m, se: Math.sqrt(v / xs.length) };
}

const median = (a: readonly number[]) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const rounded = (m: { mean: number; se: number }) => ({ mean: round(m.mean, 5), se: round(m.se, 5) });
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
const row = (cells: readonly (string | number)[]) =>
  console.error(cells.map((c, i) => String(c)[i === 0 ? "padEnd" : "padStart"](i === 0 ? 18 : 12)).join(" "));

/** One size: the same-work check, the calls per round of each side, then the interleaved rounds. */
async function measure(peer: Peer, size: Size, o: Options, nextSeed: () => number) {
  const { height, width, batch } = size;
  const images = { data: content(size), count: batch, channels: 3, height, width };
  const { k, sigma, c, intensity, keepDC: keep_dc } = op;
  await peer.ask({ cmd: "load", batch, channels: 3, height, width, k, sigma, c, intensity, keep_dc }, images.data);
  const run = (seed: number) => augment(pipeline, images, { seed, backend: "cpu", workers: o.workers, quiet: true });

  const ours = await run(nextSeed());
  const draws = ours.params.map((p) =>
    p.flatMap((q) => q.op === "gmm" ? q.gaussians.map((g) => [g.u0, g.v0, g.sigmaU, g.sigmaV, g.intensity]) : [])
  );
  const replay = await peer.ask({ cmd: "replay", draws }, ours.images.data);
  const theirs = await peer.ask({ cmd: "stats", seed: nextSeed() });
  const out = ours.images, shape = [out.count, out.channels, out.height, out.width];
  const std = {
    input: spread(imageStds(images.data, batch)),
    freqaug: spread(imageStds(out.data, batch)),
    torch: spread(theirs.image_std as number[]),
  };
  const mean = { input: meanOf(images.data), freqaug: meanOf(out.data), torch: theirs.mean as number };
  const check = {
    shape,
    same_shape: JSON.stringify(theirs.shape) === JSON.stringify(shape),
    replay_max_abs_diff: replay.max_abs_diff as number,
    mean: { input: round(mean.input, 5), freqaug: round(mean.freqaug, 5), torch: round(mean.torch, 5) },
    image_std: { input: rounded(std.input), freqaug: rounded(std.freqaug), torch: rounded(std.torch) },
    ok: false,
  };
  // Own draws on each side: the means agree (the DC bin is kept), the images' std within a loose band.
  const band = 4 * Math.hypot(std.freqaug.se, std.torch.se) + 0.1 * Math.max(std.freqaug.mean, std.torch.mean);
  check.ok = check.same_shape && check.replay_max_abs_diff < 1e-3 && Math.abs(mean.freqaug - mean.torch) < 1e-3 &&
    Math.abs(std.freqaug.mean - std.torch.mean) <= band;

  // Calls per round: enough for ROUND_MS, from one timed call of each (both are warm now).
  const timeOurs = async (calls: number) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await run(nextSeed());
    return (performance.now() - t0) / 1000;
  };
  const timeTheirs = async (calls: number) =>
    (await peer.ask({ cmd: "run", seed: nextSeed(), calls })).seconds as number;
  const perRound = (seconds: number) => Math.max(1, Math.ceil(ROUND_MS / 1000 / seconds));
  const calls = { freqaug: perRound(await timeOurs(1)), torch: perRound(await timeTheirs(1)) };

  const ourTimes: number[] = [], theirTimes: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    ourTimes.push(await timeOurs(calls.freqaug));
    theirTimes.push(await timeTheirs(calls.torch));
  }
  const freqaug = (calls.freqaug * batch) / median(ourTimes), torch = (calls.torch * batch) / median(theirTimes);
  return { freqaug, torch, calls, check };
}

/** Every size in turn: one JSON line each, a row of the table, then the summary; true when every check passed. */
async function compareAll(peer: Peer, hello: Answer, o: Options): Promise<boolean> {
  const cores = navigator.hardwareConcurrency;
  console.error(
    `freqaug CPU vs ${PEER} (torch ${hello.torch_version}, ${hello.threads} threads), ` +
      `gmm k 20 σ [10, 15] c 1, ${o.rounds} rounds, ${cores} cores`,
  );
  row(["size (batch)", "freqaug img/s", "torch img/s", "ratio", "check"]);
  let seed = 1, worst = { ratio: Infinity, at: "" }, ok = true;
  for (const size of o.sizes) {
    const { height, width, batch } = size;
    const m = await measure(peer, size, o, () => seed++);
    const ratio = m.freqaug / m.torch, at = `${height}x${width} (${batch})`;
    if (ratio < worst.ratio) worst = { ratio, at };
    ok &&= m.check.ok;
    emit({
      bench: "compare",
      peer: PEER,
      height,
      width,
      batch,
      freqaug_img_per_s: round(m.freqaug, 1),
      torch_img_per_s: round(m.torch, 1),
      ratio: round(ratio, 3),
      rounds: o.rounds,
      calls_per_round: m.calls,
      threads: { freqaug: Math.max(1, workerCount(batch, 3 * height * width, o.workers)), torch: hello.threads },
      cores,
      torch_version: hello.torch_version,
      check: m.check,
    });
    row([at, m.freqaug.toFixed(1), m.torch.toFixed(1), ratio.toFixed(3), m.check.ok ? "ok" : "FAILED"]);
  }
  const summary = { sizes: o.sizes.length, min_ratio: round(worst.ratio, 3), min_ratio_at: worst.at, checks_ok: ok };
  emit({ bench: "compare", peer: PEER, summary: true, ...summary });
  return ok;
}

/**
 * Runs the comparison; returns the exit code: 0, 1 when a same-work check
 * failed or the run broke off, 2 on bad options. Without python3 or torch it
 * prints a `skipped` line and returns 0.
 */
export async function compare(args: readonly string[]): Promise<number> {
  let o: Options, peer: Peer;
  try {
    o = parseArgs(args);
  } catch (e) {
    console.error(`compare: ${(e as Error).message}`);
    return 2;
  }
  try {
    peer = Peer.start(o.python, o.torchThreads);
  } catch (e) {
    emit({ bench: "compare", peer: PEER, skipped: `cannot start ${o.python}: ${(e as Error).message}` });
    return 0;
  }
  const onSignal = () => {
    peer.kill();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  const release = hold(); // keep the workers through the peer's turns: fresh ones would start cold each round
  try {
    const hello = await peer.ask({ cmd: "hello" }).catch((e: Error) => e);
    if (hello instanceof Error) {
      emit({ bench: "compare", peer: PEER, skipped: hello.message });
      return 0;
    }
    return await compareAll(peer, hello, o) ? 0 : 1;
  } catch (e) {
    console.error(`compare: ${(e as Error).message}`);
    return 1;
  } finally {
    release();
    releaseWorkers();
    Deno.removeSignalListener("SIGINT", onSignal);
    await peer.close();
  }
}

if (import.meta.main) Deno.exit(await compare(Deno.args));
