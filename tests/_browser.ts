// Debian's Chromium, headless, through playwright-core: where it is, the
// flags it runs with here, and a launcher that works under the suite's
// permissions.
import fs from "node:fs";
import type { Browser } from "playwright-core";

/** Chromium's executable: `FREQAUG_CHROMIUM`, or Debian's. */
export const CHROMIUM = Deno.env.get("FREQAUG_CHROMIUM") ?? "/usr/bin/chromium";

/** Whether it is there (else the browser tests say SKIPPED). */
export const browserThere = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** Headless on a closed network, as root, with WebGPU through SwiftShader where there is no GPU. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-unsafe-webgpu",
];

/**
 * Launches Chromium. playwright-core asks at load whether it runs under WSL by
 * looking for /proc/sys/fs/binfmt_misc/WSLInterop and /run/WSL; Deno lets a
 * program look under /proc/sys only with --allow-all, which the suite does not
 * grant. Those two looks are answered "no" (this is not WSL) and every other
 * call goes to node:fs as it is.
 */
export async function launchChromium(): Promise<Browser> {
  const real = fs.existsSync;
  fs.existsSync = ((p: fs.PathLike) => {
    const s = String(p);
    return s === "/proc/sys/fs/binfmt_misc/WSLInterop" || s === "/run/WSL" ? false : real(p);
  }) as typeof fs.existsSync;
  const { chromium } = await import("playwright-core");
  // The suite hides Deno's own WebGPU adapter with these; the browser keeps its SwiftShader.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (k !== "VK_DRIVER_FILES" && k !== "VK_ICD_FILENAMES" && k !== "DENO_WEBGPU_BACKEND") env[k] = v;
  }
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env, timeout: 60_000 });
}
