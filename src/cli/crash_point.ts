/**
 * Crash points, for the crash tests of the command line: with the
 * environment variable `FREQAUG_CRASH_AT=<point>:<n>`, the process ends at
 * once (exit 137, like SIGKILL: nothing cleaned up, no lock released by
 * hand) the n-th time it reaches `<point>`. Without it, reaching a point
 * costs one comparison. The points of `augment`: `written` (a batch's outputs
 * are in their temporaries), `removed` (an old output was removed before its
 * new line), `appended` (a batch's lines are in the params file), `renamed`
 * (an output was renamed into place). A batch is one input's outputs when
 * the inputs go whole to workers. And `worker:<n>`: each worker dies (an
 * uncaught error, its request unanswered) at the n-th request it is given
 * (see codec_worker.ts); the process goes on.
 *
 * @module
 */

import { envVar } from "./env.ts";

/** A function to call at each point. */
export function crashPoints(): (point: string) => void {
  const m = envVar("FREQAUG_CRASH_AT")?.match(/^([a-z]+):(\d+)$/);
  if (!m) return () => {};
  const [, at, n] = m;
  let left = Number(n);
  return (point) => {
    if (point === at && --left === 0) Deno.exit(137);
  };
}
