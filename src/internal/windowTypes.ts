/**
 * The public types of window functions and frames behind `Expr` (`Expr.Window`,
 * `Expr.Frame`, …). Re-exported by `src/Expr.ts`; `Fn.ts` builds the functions.
 */
import type { Expr, Order } from "../Expr.js"
import type * as Ast from "./ast/nodes.js"

/**
 * One end of a window frame. An offset is a whole number of at least 0.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const bounds: ReadonlyArray<Expr.FrameBound> = ["unboundedPreceding", { preceding: 1 }, "currentRow", { following: 1 }, "unboundedFollowing"]
 *
 * @since 0.3.0
 * @category models
 */
export type FrameBound = Ast.FrameBound

/**
 * A window frame, `start` to `end` (by default the current row). Checked when the query is
 * built: a frame that starts after its end, starts at `unboundedFollowing` or ends at
 * `unboundedPreceding` throws a TypeError.
 *
 * @example
 * import type { Expr } from "retort-orm"
 * const moving: Expr.Frame = { start: { preceding: 1 }, end: { following: 1 } }
 *
 * @since 0.3.0
 * @category models
 */
export interface Frame {
  readonly start: FrameBound
  readonly end?: FrameBound
}

/**
 * What `.over(…)` takes: `PARTITION BY`, `ORDER BY`, and a `ROWS` or a `RANGE` frame (a
 * range with an offset needs exactly one `orderBy` term).
 *
 * @example
 * import { Column, Fn, Table, type Expr } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const window: Expr.Window = { orderBy: [Sale.c.id], rows: { start: "unboundedPreceding", end: "currentRow" } }
 * const running = Fn.sum(Sale.c.amount).over(window)
 *
 * @since 0.3.0
 * @category models
 */
export interface Window {
  readonly partitionBy?: ReadonlyArray<Expr<any>>
  readonly orderBy?: ReadonlyArray<Expr<any> | Order>
  readonly rows?: Frame
  readonly range?: Frame
}

/**
 * A function that only runs over a window (`Fn.lag`, `Fn.ntile`, …): it is an expression
 * once given one with `.over(…)`, so using it without one does not compile.
 *
 * @example
 * import { Column, Fn, Table } from "retort-orm"
 * class Sale extends Table.Class<Sale>("Sale")("sales", { id: Column.integer({ primaryKey: true }), amount: Column.integer() }) {}
 * const previous = Fn.lag(Sale.c.amount).over({ orderBy: [Sale.c.id] })
 *
 * @since 0.3.0
 * @category models
 */
export interface WindowFunction<A> {
  /** Phantom: the value's type. */
  readonly "~window"?: A
  over(window?: Window): Expr<A>
}
