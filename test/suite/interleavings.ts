/**
 * A property test of savepoint ownership (issue 12, part 1): random programs of sibling
 * fibers (2 to 4 in the outer block, sometimes 2 inside a nested one) that add rows,
 * update and delete rows of their own, flush, query, pause, and open nested
 * `Session.transaction` blocks that succeed, fail, die or are interrupted. After each
 * program the committed rows are compared with a model: a change is kept exactly when
 * every block around it succeeded.
 *
 * The programs come from a seeded generator: `RETORT_SEED=<n>` replays a run and
 * `RETORT_INTERLEAVINGS=<n>` changes how many programs run. A failure names the seed
 * and prints the program.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Effect, Exit, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite, Target } from "../harness/targets.js"

class Item extends Table.Class<Item>("Item")("il_items", {
  id: Column.integer({ primaryKey: true }),
  run: Column.integer({ index: true }),
  name: Column.string({ length: 40 }),
  body: Column.string({ length: 10, nullable: true })
}) {}

const metadata = MetaData.make(Item)

class Refused extends Data.TaggedError("Refused") {}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Outcome = "succeed" | "fail" | "die" | "interrupt"

type Step =
  | { readonly _tag: "add"; readonly name: string }
  | { readonly _tag: "update"; readonly id: number }
  | { readonly _tag: "delete"; readonly id: number }
  | { readonly _tag: "flush" }
  | { readonly _tag: "query" }
  | { readonly _tag: "pause"; readonly ticks: number }
  | { readonly _tag: "block"; readonly fibers: ReadonlyArray<Script>; readonly outcome: Outcome }

type Script = ReadonlyArray<Step>

interface Program {
  readonly run: number
  readonly fibers: ReadonlyArray<Script>
  readonly outcome: "succeed" | "fail"
  /** Rows committed before the program starts, one per update or delete step (their ids). */
  readonly seeded: ReadonlyArray<number>
}

const generate = (run: number, random: () => number): Program => {
  const int = (n: number) => Math.floor(random() * n)
  let names = 0
  let ids = 0
  const seeded: Array<number> = []
  const script = (depth: number): Script => {
    const steps: Array<Step> = []
    const length = 1 + int(5)
    for (let i = 0; i < length; i++) {
      const roll = random()
      if (roll < 0.3) steps.push({ _tag: "add", name: `r${run}-${names++}` })
      else if (roll < 0.4) {
        const id = -(run * 100 + ids++)
        seeded.push(id)
        steps.push({ _tag: random() < 0.6 ? "update" : "delete", id })
      } else if (roll < 0.5) steps.push({ _tag: "flush" })
      else if (roll < 0.58) steps.push({ _tag: "query" })
      else if (roll < 0.72) steps.push({ _tag: "pause", ticks: 1 + int(3) })
      else if (depth < 3) {
        const fibers = random() < 0.3 ? [script(depth + 1), script(depth + 1)] : [script(depth + 1)]
        const o = random()
        steps.push({ _tag: "block", fibers, outcome: o < 0.5 ? "succeed" : o < 0.8 ? "fail" : o < 0.9 ? "die" : "interrupt" })
      } else steps.push({ _tag: "add", name: `r${run}-${names++}` })
    }
    return steps
  }
  const fibers = Array.from({ length: 2 + int(3) }, () => script(0))
  return { run, fibers, outcome: random() < 0.05 ? "fail" : "succeed", seeded }
}

/** What the database must hold after the program: the kept rows by name, and each seeded row's state. */
const model = (program: Program) => {
  const rows = new Set<string>()
  const seeded = new Map<number, "untouched" | "updated" | "deleted">(program.seeded.map((id) => [id, "untouched"]))
  const visit = (script: Script, kept: boolean) => {
    for (const step of script) {
      if (step._tag === "add" && kept) rows.add(step.name)
      if (step._tag === "update" && kept) seeded.set(step.id, "updated")
      if (step._tag === "delete" && kept) seeded.set(step.id, "deleted")
      if (step._tag === "block") for (const fiber of step.fibers) visit(fiber, kept && step.outcome === "succeed")
    }
  }
  for (const fiber of program.fibers) visit(fiber, program.outcome === "succeed")
  return { rows, seeded }
}

const execute = (s: Session.Session, program: Program) => {
  const fibers = (scripts: ReadonlyArray<Script>) =>
    Effect.all(scripts.map(script), { concurrency: "unbounded", discard: true })
  const script = (steps: Script): Effect.Effect<void, any> =>
    Effect.forEach(steps, (step) => {
      switch (step._tag) {
        case "add":
          return s.add(Item, { run: program.run, name: step.name })
        case "update":
          return Effect.flatMap(s.get(Item, step.id), (row) => s.update(Option.getOrThrow(row), { body: "updated" }))
        case "delete":
          return Effect.flatMap(s.get(Item, step.id), (row) => s.delete(Option.getOrThrow(row)))
        case "flush":
          return s.flush
        case "query":
          return s.query(Item).where(Item.c.run.eq(program.run)).count
        case "pause":
          return Effect.repeatN(Effect.yieldNow(), step.ticks - 1)
        case "block": {
          const end = step.outcome === "succeed"
            ? Effect.void
            : step.outcome === "fail"
            ? Effect.fail(new Refused())
            : step.outcome === "die"
            ? Effect.die("boom")
            : Effect.interrupt
          return Effect.asVoid(Effect.exit(s.transaction(Effect.zipRight(fibers(step.fibers), end))))
        }
      }
    }, { discard: true })
  return s.transaction(Effect.zipRight(fibers(program.fibers), program.outcome === "fail" ? Effect.fail(new Refused()) : Effect.void))
}

/** The program in a compact form: `fiber | fiber` run concurrently, `fail{ … }` a nested block and how it ends. */
const show = (program: Program): string => {
  const step = (s: Step): string =>
    s._tag === "add" ? `add ${s.name}`
    : s._tag === "update" || s._tag === "delete" ? `${s._tag} ${s.id}`
    : s._tag === "pause" ? `pause ${s.ticks}`
    : s._tag === "block" ? `${s.outcome}{ ${s.fibers.map(script).join(" | ")} }`
    : s._tag
  const script = (steps: Script) => steps.map(step).join("; ")
  return `run ${program.run}, outer ${program.outcome}: ${program.fibers.map(script).join(" || ")}`
}

const check = (program: Program, seed: number) =>
  Effect.gen(function*() {
    const expected = model(program)
    const found = yield* Query.execute(Query.select(Item).where(Item.c.run.eq(program.run)))
    const rows = new Set(found.filter((r) => !r.name.startsWith("seed")).map((r) => r.name))
    const seeded = new Map(program.seeded.map((id) => {
      const row = found.find((r) => r.name === `seed ${id}`)
      return [id, row === undefined ? "deleted" : row.body === "updated" ? "updated" : "untouched"] as const
    }))
    const describe = () => `seed ${seed}, ${show(program)}`
    assert.deepStrictEqual([...rows].sort(), [...expected.rows].sort(), `committed rows differ: ${describe()}`)
    assert.deepStrictEqual([...seeded], [...expected.seeded], `updates or deletes differ: ${describe()}`)
  })

/** Most programs run on SQLite in memory; fewer on the servers, to keep the three files under ~30 s together. */
const count = (target: Target) =>
  Number(process.env["RETORT_INTERLEAVINGS"] ?? (target.dialect === "sqlite" ? 500 : target.dialect === "postgresql" ? 100 : 80))

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Random interleavings of sibling savepoints", (it) => {
    it.effect(`${count(target)} random programs commit exactly what the model keeps`, () =>
      Effect.gen(function*() {
        yield* Effect.zipRight(metadata.dropAll, metadata.createAll)
        const first = Number(process.env["RETORT_SEED"] ?? 12)
        const n = count(target)
        for (let i = 0; i < n; i++) {
          const seed = first + i
          const program = generate(i + 1, prng(seed))
          // Seeded rows have ids of their own (negative, below any earlier run's) and are told apart by name:
          // SQLite may give a new row the id of a deleted one.
          if (program.seeded.length > 0) {
            yield* Query.execute(Query.insert(Item).values(program.seeded.map((id) => ({ id, run: program.run, name: `seed ${id}` }))))
          }
          const exit = yield* Effect.exit(Effect.scoped(Effect.flatMap(Session.make, (s) => execute(s, program))))
          if (program.outcome === "succeed") {
            assert.isTrue(Exit.isSuccess(exit), `seed ${seed}: the outer block failed: ${Exit.isFailure(exit) ? String(exit.cause) : ""}`)
          }
          yield* check(program, seed)
        }
      }), { timeout: 60_000 })

    it.effect("drop", () => metadata.dropAll)
  })
}
