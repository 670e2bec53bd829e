// Plan and scratch caches keep only the sizes met most recently.
import assert from "node:assert/strict";
import { Lru } from "../src/math/lru.ts";

Deno.test("Lru keeps the most recently used entries and makes each once", () => {
  const made: string[] = [];
  const c = new Lru<string>(2);
  const get = (k: string) => c.get(k, () => (made.push(k), k.toUpperCase()));
  assert.equal(get("a"), "A");
  assert.equal(get("b"), "B");
  assert.equal(get("a"), "A"); // a is now the most recent
  assert.equal(get("c"), "C"); // evicts b
  assert.equal(c.size, 2);
  assert.equal(get("a"), "A");
  assert.equal(get("b"), "B"); // made again
  assert.deepEqual(made, ["a", "b", "c", "b"]);
});
