/**
 * Relations over composite foreign keys on a real database: a shipment points at an
 * order line by (order id, line number), the line's composite primary key. One-to-many,
 * many-to-one, one-to-one and many-to-many (through an association table) load the
 * same through selectin and joined, lazily without N+1, filter with EXISTS, and flush
 * drafts with both key columns filled from the parent; a NULL part of a key matches
 * nothing; cascades follow the key. Statement counts come from the engine's echo.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Relation from "../../src/Relation.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class COrder extends Table.Class<COrder>("COrder")("c_orders", {
  id: Column.integer({ primaryKey: true }),
  customer: Column.string({ length: 40 })
}) {}

class CLine extends Table.Class<CLine>("CLine")("c_lines", {
  orderId: Column.integer({ name: "order_id", references: () => COrder.c.id }),
  lineNo: Column.integer({ name: "line_no" }),
  product: Column.string({ length: 40 })
}, { primaryKey: ["orderId", "lineNo"] }) {}

class CShipment extends Table.Class<CShipment>("CShipment")("c_shipments", {
  id: Column.integer({ primaryKey: true }),
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no", nullable: true }),
  qty: Column.integer()
}) {}

class CNote extends Table.Class<CNote>("CNote")("c_notes", {
  id: Column.integer({ primaryKey: true }),
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no" }),
  text: Column.text()
}, { uniques: [["orderId", "lineNo"]] }) {}

class CTag extends Table.Class<CTag>("CTag")("c_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 })
}) {}

class CLineTag extends Table.Class<CLineTag>("CLineTag")("c_line_tags", {
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no" }),
  tagId: Column.integer({ name: "tag_id", references: () => CTag.c.id })
}, { primaryKey: ["orderId", "lineNo", "tagId"] }) {}

const shipmentKey = [CShipment.c.orderId, CShipment.c.lineNo] as const
const LineShipments = Relation.oneToMany(CLine, CShipment, { foreignKey: shipmentKey, orderBy: [CShipment.c.qty], cascade: { delete: true, deleteOrphan: true } })
const ShipmentLine = Relation.manyToOne(CShipment, CLine, { foreignKey: shipmentKey })
const LineNote = Relation.oneToOne(CLine, CNote, { foreignKey: [CNote.c.orderId, CNote.c.lineNo] })
const LineTags = Relation.manyToMany(CLine, CTag, { through: CLineTag, source: [CLineTag.c.orderId, CLineTag.c.lineNo], target: CLineTag.c.tagId })
const OrderLines = Relation.oneToMany(COrder, CLine, { foreignKey: CLine.c.orderId })

const metadata = MetaData.make(COrder, CLine, CShipment, CNote, CTag, CLineTag)

/** Orders 1-2; lines (1,1) (1,2) (2,1) (2,2): the same line numbers in both orders, so that one column alone would mismatch. */
const seed = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(COrder).values([{ id: 1, customer: "Ann" }, { id: 2, customer: "Bob" }]))
  yield* Query.execute(Query.insert(CLine).values([
    { orderId: 1, lineNo: 1, product: "tea" },
    { orderId: 1, lineNo: 2, product: "cups" },
    { orderId: 2, lineNo: 1, product: "coffee" },
    { orderId: 2, lineNo: 2, product: "milk" }
  ]))
  yield* Query.execute(Query.insert(CShipment).values([
    { id: 1, orderId: 1, lineNo: 1, qty: 5 },
    { id: 2, orderId: 1, lineNo: 1, qty: 2 },
    { id: 3, orderId: 2, lineNo: 1, qty: 7 },
    { id: 4, orderId: 1, lineNo: 2, qty: 1 },
    { id: 5, orderId: 2, lineNo: null, qty: 9 }
  ]))
  yield* Query.execute(Query.insert(CNote).values([{ id: 1, orderId: 2, lineNo: 1, text: "fragile" }, { id: 2, orderId: 1, lineNo: 2, text: "gift" }]))
  yield* Query.execute(Query.insert(CTag).values([{ id: 1, name: "hot" }, { id: 2, name: "cold" }]))
  yield* Query.execute(Query.insert(CLineTag).values([
    { orderId: 1, lineNo: 1, tagId: 1 },
    { orderId: 2, lineNo: 1, tagId: 1 },
    { orderId: 2, lineNo: 1, tagId: 2 },
    { orderId: 2, lineNo: 2, tagId: 2 }
  ]))
})

const mark = Effect.log("~mark")

const plain = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value !== "object" || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
}

const lineIds = (lines: ReadonlyArray<CLine>) => lines.map((l) => `${l.orderId}.${l.lineNo}`)

export const suite: Suite = (layer, target) => {
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url
  const counted = <A, E>(body: Effect.Effect<A, E, Session.Session | Engine.Engine>) =>
    Effect.gen(function*() {
      const program = Effect.zipRight(Effect.zipRight(seed, mark), Session.use((s) => Effect.provideService(body, Session.Session, s)))
      const { entries, exit } = yield* captureLogs(
        Effect.scoped(Effect.flatMap(engineFor(echoUrl, { echo: true }), (engine) => Effect.provideService(program, Engine.Engine, engine)))
      )
      assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
      const counts: Array<number> = []
      for (const e of entries) {
        if (e.message === "~mark") counts.push(0)
        else if (counts.length > 0 && e.message.startsWith("SELECT") && !e.message.startsWith("SELECT setval")) counts[counts.length - 1]!++
      }
      return { value: (exit as Exit.Success<A, E>).value, counts }
    })
  const session = Session.Session

  testLayer(layer, { excludeTestServices: true })("Composite foreign keys", (it) => {
    it.effect("one-to-many, one-to-one and many-to-many on (order id, line number): selectin and joined agree", () =>
      Effect.gen(function*() {
        const load = (strategy: Relation.Strategy) =>
          Effect.flatMap(session, (s) =>
            s.query(CLine).orderBy(CLine.c.orderId, CLine.c.lineNo).with({ shipments: LineShipments, note: LineNote, tags: LineTags }, { strategy }).all)
        const selectin = yield* counted(load("selectin"))
        const joined = yield* counted(load("joined"))
        assert.deepStrictEqual(plain(joined.value), plain(selectin.value))
        assert.deepStrictEqual([selectin.counts, joined.counts], [[4], [1]])
        const lines = joined.value
        assert.deepStrictEqual(lineIds(lines), ["1.1", "1.2", "2.1", "2.2"])
        assert.deepStrictEqual(lines.map((l) => l.shipments.map((s) => s.id)), [[2, 1], [4], [3], []])
        assert.deepStrictEqual(lines.map((l) => l.note?.text ?? null), [null, "gift", "fragile", null])
        assert.deepStrictEqual(lines.map((l) => l.tags.map((t) => t.name)), [["hot"], [], ["hot", "cold"], ["cold"]])
      }))

    it.effect("many-to-one: a NULL part of the key is null; nested under an order's lines", () =>
      Effect.gen(function*() {
        const load = (strategy: Relation.Strategy) =>
          Effect.flatMap(session, (s) => s.query(CShipment).orderBy(CShipment.c.id).with({ line: ShipmentLine }, { strategy }).all)
        const selectin = yield* counted(load("selectin"))
        const joined = yield* counted(load("joined"))
        assert.deepStrictEqual(plain(joined.value), plain(selectin.value))
        assert.deepStrictEqual([selectin.counts, joined.counts], [[2], [1]])
        assert.deepStrictEqual(joined.value.map((s) => s.line === null ? null : `${s.line.orderId}.${s.line.lineNo}`), ["1.1", "1.1", "2.1", "1.2", null])
        const nested = (strategy: Relation.Strategy) =>
          Effect.flatMap(session, (s) => s.query(COrder).orderBy(COrder.c.id).with({ lines: OrderLines.with({ shipments: LineShipments }) }, { strategy }).all)
        const a = yield* counted(nested("selectin"))
        const b = yield* counted(nested("joined"))
        assert.deepStrictEqual(plain(b.value), plain(a.value))
        assert.deepStrictEqual([a.counts, b.counts], [[3], [1]])
        assert.deepStrictEqual(b.value.map((o) => o.lines.map((l) => l.shipments.length)), [[2, 1], [1, 0]])
      }))

    it.effect("lazy loads: a loop is one query; a loaded instance is the one get gives", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          const lines = yield* s.query(CLine).orderBy(CLine.c.orderId, CLine.c.lineNo).all
          yield* mark
          const shipments: Array<ReadonlyArray<number>> = []
          for (const line of lines) shipments.push((yield* LineShipments.load(line)).map((x) => x.id))
          const all = yield* s.query(CShipment).orderBy(CShipment.c.id).all
          yield* mark
          const back = yield* Effect.forEach(all, (x) => ShipmentLine.load(x))
          const got = Option.getOrThrow(yield* s.get(CLine, { orderId: 2, lineNo: 1 }))
          return { shipments, back, got }
        }))
        // The lines; the loop of loads and the shipments; the loop back, none: a many-to-one
        // load finds the lines in the identity map, as get does.
        assert.deepStrictEqual(counts, [1, 2, 0])
        assert.deepStrictEqual(value.shipments, [[2, 1], [4], [3], []])
        assert.deepStrictEqual(value.back.map((l) => l === null ? null : `${l.orderId}.${l.lineNo}`), ["1.1", "1.1", "2.1", "1.2", null])
        assert.strictEqual(value.back[2], value.got)
      }))

    it.effect("EXISTS filters match on every column of the key", () =>
      Effect.gen(function*() {
        const { value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          const shipped = yield* s.query(CLine).where(LineShipments.any((x) => x.qty.gt(1))).orderBy(CLine.c.orderId, CLine.c.lineNo).all
          const tea = yield* s.query(CShipment).where(ShipmentLine.has((l) => l.product.eq("tea"))).orderBy(CShipment.c.id).all
          const hot = yield* s.query(CLine).where(LineTags.any((t) => t.name.eq("hot"))).orderBy(CLine.c.orderId, CLine.c.lineNo).all
          return { shipped: lineIds(shipped), tea: tea.map((x) => x.id), hot: lineIds(hot) }
        }))
        assert.deepStrictEqual(value, { shipped: ["1.1", "2.1"], tea: [1, 2], hot: ["1.1", "2.1"] })
      }))

    it.effect("flush: drafts get both key columns from their parent; cascades follow the whole key", () =>
      Effect.gen(function*() {
        const { value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          yield* s.add(CLine, { orderId: 2, lineNo: 3, product: "sugar" }, { shipments: LineShipments.drafts([{ id: 10, qty: 3 }, { id: 11, qty: 4 }]) })
          yield* s.commit
          const drafted = yield* s.execute(Query.select(CShipment).where(CShipment.c.id.gte(10)).orderBy(CShipment.c.id))
          // Deleting line (1, 1) deletes its shipments, not those of line (2, 1) nor (1, 2).
          const line = Option.getOrThrow(yield* s.get(CLine, { orderId: 1, lineNo: 1 }))
          yield* s.delete(line)
          // A shipment whose key loses a part is an orphan: deleted.
          const orphan = Option.getOrThrow(yield* s.get(CShipment, 4))
          yield* s.update(orphan, { lineNo: null })
          yield* s.commit
          const left = yield* s.execute(Query.select(CShipment).orderBy(CShipment.c.id))
          return { drafted: drafted.map((x) => [x.id, x.orderId, x.lineNo]), left: left.map((x) => x.id) }
        }))
        assert.deepStrictEqual(value.drafted, [[10, 2, 3], [11, 2, 3]])
        assert.deepStrictEqual(value.left, [3, 5, 10, 11])
      }))

    it.effect("a composite key of the wrong size, or over two tables, is refused where it is written", () =>
      Effect.sync(() => {
        assert.throws(() => Relation.manyToOne(CShipment, CLine, { foreignKey: [CShipment.c.orderId, CShipment.c.lineNo, CShipment.c.qty] }), /primary key of c_lines/)
        assert.throws(() => Relation.manyToOne(CShipment, CLine, { foreignKey: [CShipment.c.orderId, CNote.c.lineNo] }), /of one table/)
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
