/**
 * Types of events: a hook's requirements are the layer's, its failure is `HookFailed`
 * in every session operation's error type.
 */
import { describe, it } from "@effect/vitest"
import { Context, Data, Effect, type Layer } from "effect"
import * as Column from "../src/Column.js"
import type { HookFailed } from "../src/Errors.js"
import * as Events from "../src/Events.js"
import type * as Session from "../src/Session.js"
import * as Table from "../src/Table.js"
import { equalTypes, extendsType } from "./harness/typeAssert.js"

class Item extends Table.Class<Item>("Item")("evt_items", {
  id: Column.integer({ primaryKey: true }),
  label: Column.string({ length: 20 })
}) {}

class Clock extends Context.Tag("Clock")<Clock, { readonly now: Effect.Effect<number> }>() {}
class Refused extends Data.TaggedError("Refused") {}

describe("Events types", () => {
  it("a layer requires what its hooks require, and provides Events", () => {
    const layer = Events.layer(
      Events.forModel(Item, {
        beforeInsert: (row) => Effect.map(Clock, () => ({ ...row, label: row.label.trim() })),
        afterInsert: (row) => row.id > 0 ? Effect.void : new Refused()
      }),
      Events.session({ afterCommit: Effect.log("done") })
    )
    equalTypes<typeof layer, Layer.Layer<Events.Events, never, Clock>>()
    const sessionOnly = Events.layer(Events.session({ beforeFlush: Effect.void }))
    equalTypes<typeof sessionOnly, Layer.Layer<Events.Events, never, never>>()
  })

  it("hook rows are typed: insert values before, the instance after", () => {
    Events.forModel(Item, {
      beforeInsert: (row) => {
        equalTypes<typeof row.label, string>()
        return Effect.void
      },
      afterUpdate: (row, ctx) => {
        equalTypes<typeof row, Item>()
        equalTypes<typeof ctx.changes.label, string | undefined>()
        return Effect.void
      }
    })
    // @ts-expect-error a before hook returns a row of the model, not anything
    Events.forModel(Item, { beforeInsert: () => Effect.succeed({ label: 1 }) })
  })

  it("a hook's failure is HookFailed in the session's errors", () => {
    extendsType<HookFailed, Session.SessionError>()
    extendsType<Effect.Effect.Error<Session.Session["flush"]>, Session.SessionError>()
    equalTypes<Extract<Effect.Effect.Error<Session.Session["commit"]>, { _tag: "HookFailed" }>, HookFailed>()
  })
})
