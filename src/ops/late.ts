/**
 * What the combinators (randomApply, oneOf) need of the registry that lists
 * them — the codec of any op and the module of an op name — bound by the
 * registry when it loads, so that no op module imports the registry.
 *
 * @module
 */

import type * as t from "io-ts";
import type { AnyOpModule } from "./module.ts";

/** Bound by registry.ts. */
export const late: {
  opCodec?: t.Type<unknown, unknown, unknown>;
  moduleNamed?: (name: string) => AnyOpModule | undefined;
} = {};
