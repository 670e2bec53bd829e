/**
 * The lock of a params file, so two runs never write the same outputs: the
 * file `<params file>.lock`, held with an exclusive `flock` (which the kernel
 * releases when the process ends, even by SIGKILL) and holding the owner's
 * pid, host and start time for the messages. A lock file left by a run of
 * this host that is gone (its flock is free) is taken over with a warning;
 * one written by another host is never guessed at (its flock may not reach
 * this machine): the run stops and says to delete it if that run is gone.
 *
 * @module
 */

/** What a lock file says. */
interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** A held lock. */
export interface Lock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file and releases it (synchronous, for exit paths; safe to call twice). */
  release(): void;
}

/** Whether a permission is granted already (never prompts). */
function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/**
 * This machine's name: `Deno.hostname` where --allow-sys grants it, else
 * /etc/hostname; `unknown-host` where neither can be read. Never prompts.
 */
export function hostName(): string {
  if (granted({ name: "sys", kind: "hostname" })) {
    try {
      return Deno.hostname();
    } catch { /* not here */ }
  }
  for (const f of ["/etc/hostname", "/proc/sys/kernel/hostname"]) {
    if (!granted({ name: "read", path: f })) continue;
    try {
      const h = Deno.readTextFileSync(f).trim();
      if (h) return h;
    } catch { /* not there, or not readable */ }
  }
  return "unknown-host";
}

function parse(text: string): Owner | null {
  try {
    const v = JSON.parse(text);
    return typeof v?.pid === "number" && typeof v?.host === "string" && typeof v?.since === "string" ? v : null;
  } catch {
    return null;
  }
}

function describe(o: Owner): string {
  return `pid ${o.pid} on ${o.host}, since ${o.since}`;
}

function readAll(f: Deno.FsFile): string {
  f.seekSync(0, Deno.SeekMode.Start);
  let text = "";
  const decoder = new TextDecoder(), buf = new Uint8Array(4096);
  for (let n = f.readSync(buf); n !== null && n > 0 && text.length < 65536; n = f.readSync(buf)) {
    text += decoder.decode(buf.subarray(0, n), { stream: true });
  }
  return text + decoder.decode();
}

/**
 * Takes the lock `path`: the lock, with a warning when a stale one was taken
 * over; or the reason another run holds it.
 */
export function acquireLock(path: string): { lock: Lock; warning?: string } | { held: string } {
  const host = hostName();
  for (let attempt = 0; attempt < 5; attempt++) {
    const f = Deno.openSync(path, { read: true, write: true, create: true });
    let mine = false;
    try {
      if (!f.tryLockSync(true)) {
        const owner = parse(readAll(f));
        return {
          held: `another run (${owner ? describe(owner) : "starting"}) holds ${path}; ` +
            `wait for it, or use another --out or --shard`,
        };
      }
      // Locked: but is it still the file at `path`? (A run that finished removes it.)
      let same = false;
      try {
        same = Deno.statSync(path).ino === f.statSync().ino;
      } catch { /* removed */ }
      if (!same) continue;
      const before = readAll(f);
      const owner = parse(before);
      if (owner && owner.host !== host) {
        return {
          held: `another run (${describe(owner)}) holds ${path}: a lock of another host; ` +
            `if that run is gone, delete that file`,
        };
      }
      const me: Owner = { pid: Deno.pid, host, since: new Date().toISOString() };
      f.truncateSync(0);
      f.seekSync(0, Deno.SeekMode.Start);
      f.writeSync(new TextEncoder().encode(JSON.stringify(me) + "\n"));
      mine = true;
      let released = false;
      const lock: Lock = {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            Deno.removeSync(path);
          } catch { /* already gone */ }
          try {
            f.close();
          } catch { /* closed */ }
        },
      };
      const warning = owner
        ? `freqaug: took over the lock ${path} of a run that is gone (${describe(owner)})`
        : before.trim()
        ? `freqaug: took over an unreadable lock ${path}`
        : undefined;
      return warning ? { lock, warning } : { lock };
    } finally {
      if (!mine) f.close();
    }
  }
  return { held: `cannot take ${path}: it keeps changing` };
}
