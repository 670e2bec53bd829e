// README.md as a test. Every ts block is written to a file of a user's
// project built as the README says ("Deno, from a clone": its deno.json, the
// library next to it), outside the repository; all of them are type-checked,
// and each one runs with the permissions it states (none, unless its first
// line is `// deno run <flags> <file>.ts`) unless it is marked
// `<!-- check-only: why -->`. A failure names the block's line. The
// property-test commands run as written, from the repository.
import assert from "node:assert/strict";
import { decodeSpec } from "../mod.ts";
import {
  bash,
  describe,
  fencedBlocks,
  isTypeScript,
  makeUserProject,
  namedBlock,
  readmeBlocks,
  ROOT,
  run,
  statedFlags,
} from "./_user_project.ts";

const blocks = await readmeBlocks();
const tsBlocks = blocks.filter(isTypeScript);

Deno.test("README.md: its marks are well formed and few blocks are check-only", () => {
  assert.ok(tsBlocks.length >= 5, `only ${tsBlocks.length} ts blocks found`);
  const checkOnly = blocks.filter((b) => b.mark?.kind === "check-only");
  for (const b of checkOnly) {
    assert.ok(isTypeScript(b), `README.md:${b.line}: check-only marks a ${b.lang} block, not a ts block`);
    assert.ok(b.mark!.value.length >= 10, `README.md:${b.line}: check-only needs a reason, got "${b.mark!.value}"`);
  }
  assert.ok(checkOnly.length * 4 <= tsBlocks.length, `${checkOnly.length} of ${tsBlocks.length} ts blocks check-only`);
  const names = blocks.filter((b) => b.mark?.kind === "test").map((b) => b.mark!.value);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], "a test mark names two blocks");
  for (const b of blocks) assert.notEqual(b.lang, "", `README.md:${b.line}: a fence without a language`);
});

Deno.test("README.md: the block reader finds fences, marks and stated flags", () => {
  const md = [
    "text",
    "<!-- check-only: needs a WebGPU adapter -->",
    "",
    "```ts",
    "// deno run --allow-read --allow-write main.ts",
    "```",
    "<!-- test: x -->",
    "````sh",
    "echo ```",
    "````",
    "```json",
    "{}",
    "```",
  ].join("\n");
  const [a, b, c] = fencedBlocks(md);
  assert.deepEqual([a.lang, a.line, a.mark], ["ts", 4, { kind: "check-only", value: "needs a WebGPU adapter" }]);
  assert.deepEqual(statedFlags(a), ["--allow-read", "--allow-write"]);
  assert.deepEqual([b.lang, b.line, b.text, b.mark], ["sh", 8, "echo ```\n", { kind: "test", value: "x" }]);
  assert.deepEqual([c.lang, c.line, c.mark], ["json", 11, undefined]);
  assert.deepEqual(statedFlags(c), []);
  assert.throws(() => fencedBlocks("```ts\nlet x;\n"), /README\.md:1: the fence is never closed/);
});

Deno.test("README.md: every spec it shows decodes", () => {
  const specs = blocks.filter((b) => b.lang === "json").map((b) => ({ b, v: JSON.parse(b.text) }))
    .filter(({ v }) => typeof v === "object" && v !== null && "ops" in v);
  assert.ok(specs.length >= 1);
  for (const { b, v } of specs) {
    const decoded = decodeSpec(v);
    assert.equal(decoded._tag, "Right", `README.md:${b.line}: ${decoded._tag === "Left" ? decoded.left.message : ""}`);
  }
});

Deno.test("README.md: every ts block type-checks, and runs, in a user's project", async (t) => {
  const project = await makeUserProject({ "deno.json": namedBlock(blocks, "deno.json from a clone").text });
  try {
    const file = (line: number) => `readme-L${line}.ts`;
    for (const b of tsBlocks) await Deno.writeTextFile(`${project.app}/${file(b.line)}`, b.text);
    const checked = await run(Deno.execPath(), ["check", ...tsBlocks.map((b) => file(b.line))], { cwd: project.app });
    if (checked.code !== 0) {
      const output = checked.stdout + checked.stderr;
      // An error at line k of the block that opens at line L is at README.md line L + k.
      const where = [
        ...new Set(
          [...output.matchAll(/readme-L(\d+)\.ts:(\d+):(\d+)/g)].map((m) =>
            `README.md:${Number(m[1]) + Number(m[2])}:${m[3]} (the block at line ${m[1]})`
          ),
        ),
      ];
      assert.fail(
        (where.length
          ? `README.md does not type-check at\n  ${where.join("\n  ")}`
          : "the library does not type-check in a user's project") + `\n${output.slice(-4000)}`,
      );
    }
    for (const b of tsBlocks) {
      if (b.mark?.kind === "check-only") continue;
      await t.step(`README.md:${b.line} runs`, async () => {
        const flags = statedFlags(b);
        const r = await run(Deno.execPath(), ["run", ...flags, file(b.line)], { cwd: project.app });
        assert.equal(r.code, 0, describe(r, `README.md:${b.line} (deno run ${[...flags, "…"].join(" ")})`));
      });
    }
  } finally {
    await project.remove();
  }
});

Deno.test("README.md: the property-test commands run as written", async () => {
  const commands = namedBlock(blocks, "commands (property test)").text.split("\n").filter((l) => l.trim() !== "");
  const example = commands.find((c) => !c.includes("my-spec.json"));
  const mine = commands.find((c) => c.includes("my-spec.json"));
  assert.ok(example && mine, `expected a command without and one with my-spec.json, got:\n${commands.join("\n")}`);

  const r = await bash(example, { cwd: ROOT });
  assert.equal(r.code, 0, describe(r, "the example spec"));
  assert.match(r.stdout, /holds: preservesChannelMeans/);
  assert.match(r.stdout, /all 5 laws checked hold for the example spec/);

  // The second command, its file name pointed at a temporary spec file.
  const dir = await Deno.makeTempDir({ prefix: "freqaug-spec-" });
  try {
    const cases: [string, unknown, number, RegExp, RegExp][] = [
      [
        "normalize",
        { version: 1, ops: [{ op: "gmm", k: 8, sigma: [2, 5], c: 2 }, { op: "normalize" }] },
        0,
        /not checked: preservesChannelMeans, since ops\[1\] \(normalize\) changes the channel means[\s\S]*all 4 laws checked hold/,
        /^/,
      ],
      [
        "lightly's mask",
        { version: 1, ops: [{ op: "gmm", c: 1, keepDC: false, sigma: [1, 4] }, { op: "phaseShift" }] },
        0,
        /not checked: preservesChannelMeans, since ops\[0\] \(gmm\) has keepDC: false[\s\S]*all 4 laws/,
        /^/,
      ],
      [
        "flips and frequency ops in a randomApply",
        {
          version: 1,
          ops: [{ op: "horizontalFlip" }, { op: "randomApply", ops: [{ op: "amplitudeRescale" }], p: 0.5 }],
        },
        0,
        /holds: preservesChannelMeans[\s\S]*all 5 laws checked hold/,
        /^/,
      ],
      [
        "a clamp inside a oneOf",
        {
          version: 1,
          ops: [{
            op: "oneOf",
            ops: [{ op: "phaseShift" }, { op: "randomApply", ops: [{ op: "gmm" }, { op: "clamp" }] }],
          }],
        },
        0,
        /not checked: preservesChannelMeans, since ops\[0\]\.ops\[1\]\.ops\[1\] \(clamp\) changes the channel means/,
        /^/,
      ],
      ["a spec that does not decode", { version: 1, ops: [{ op: "gmm", c: 0 }] }, 2, /^$/, /ops\[0\]\.c: got 0/],
    ];
    for (const [what, spec, code, out, err] of cases) {
      const path = `${dir}/${what.replaceAll(/\W+/g, "-")}.json`;
      await Deno.writeTextFile(path, JSON.stringify(spec));
      const r = await bash(mine.replace("my-spec.json", `'${path}'`), { cwd: ROOT });
      assert.equal(r.code, code, describe(r, what));
      assert.match(r.stdout, out, describe(r, what));
      assert.match(r.stderr, err, describe(r, what));
    }
    const missing = await bash(mine.replace("my-spec.json", `'${dir}/none.json'`), { cwd: ROOT });
    assert.equal(missing.code, 2, describe(missing, "a missing file"));
    assert.match(missing.stderr, /cannot read .*none\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README.md: the examples' commands run as written", async () => {
  const commands = namedBlock(blocks, "commands (examples)").text.split("\n").filter((l) => l.trim() !== "");
  assert.ok(commands.length >= 3, `expected the examples' commands, got:\n${commands.join("\n")}`);
  for (const command of commands) {
    const r = await bash(command, { cwd: ROOT });
    assert.equal(r.code, 0, describe(r, command));
    assert.ok(r.stdout.trim().split("\n").length >= 3, describe(r, `${command} printed little`));
  }
});
