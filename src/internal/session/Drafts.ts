/**
 * Drafts: related rows given with a new row (`session.add(M, values, { rel: Rel.drafts([…]) })`).
 * `prepare` checks them when the row is added (`src/Session.ts`) and records them on its
 * pending insert by the side that holds the foreign key; at flush, `expand` turns them
 * into inserts that wait for the rows they point at, and `release` hands each inserted
 * row's key to the rows waiting for it (`Persister.ts`). So a many-to-one draft (the
 * referenced row) is inserted before the new row, a one-to-many draft after it, and a
 * many-to-many association row after both of its rows.
 */
import { Effect, Either, Schema } from "effect"
import { EncodeError } from "../../Errors.js"
import type * as RelationModule from "../../Relation.js"
import * as Table from "../../Table.js"
import type { RelationDef } from "../loading/RelationDef.js"
import { insertValues, refuseComputed } from "../rows.js"
import type { TableDef } from "../tableDef.js"
import { describe, schemaIssues } from "../values.js"
import type { DraftGroup, Held, PendingInsert, Release } from "./ChangeSet.js"
import { encodeError } from "./UnitOfWork.js"

const validated = (model: Table.Any, def: TableDef, values: unknown): Either.Either<Record<string, unknown>, EncodeError> => {
  try {
    return Either.right(insertValues(model, def, values, true))
  } catch (e) {
    if (e instanceof EncodeError) return Either.left(e)
    throw e
  }
}

/** An existing instance of the relation's target (taken as it is), rather than a draft to insert. */
const isInstance = (relation: RelationDef, row: unknown): boolean =>
  typeof row === "object" && row !== null && row instanceof (relation.target as unknown as abstract new(...args: Array<never>) => unknown)

/** The insert schema without some fields, per model and field list: the key a draft fills later. */
const partialSchemas = new WeakMap<Table.Any, Map<string, Schema.Schema<any>>>()
const withoutKeys = (model: Table.Any, keys: ReadonlyArray<string>): Schema.Schema<any> => {
  let byKeys = partialSchemas.get(model)
  if (byKeys === undefined) partialSchemas.set(model, byKeys = new Map())
  const name = keys.join("\u0000")
  let schema = byKeys.get(name)
  if (schema === undefined) byKeys.set(name, schema = (model.insert as Schema.Schema<any>).pipe(Schema.omit(...keys)) as Schema.Schema<any>)
  return schema
}

/** Checks a row whose foreign key `keys` are filled at flush: everything else, as its insert would. */
const checkWithout = (model: Table.Any, def: TableDef, values: Readonly<Record<string, unknown>>, keys: ReadonlyArray<string>) => {
  try {
    if (def.computed.size > 0) refuseComputed(def, values, "insert")
  } catch (e) {
    if (e instanceof EncodeError) return Either.left(e)
    throw e
  }
  const rest = Object.fromEntries(Object.entries(values).filter(([k]) => !keys.includes(k)))
  const checked = Schema.validateEither(withoutKeys(model, keys))(rest)
  if (Either.isRight(checked)) return Either.right(values)
  const issues = schemaIssues(checked.left)
  const first = issues[0]?.path[0]
  return Either.left(
    new EncodeError({
      message: `${def.tableName}: invalid insert: ${issues.map((i) => `${i.path.length === 0 ? "row" : i.path.map(String).join(".")}: ${i.message}`).join("; ")}`,
      table: def.tableName,
      column: typeof first === "string" ? def.byKey.get(first)?.name : undefined,
      value: typeof first === "string" ? describe(rest[first]) : undefined
    })
  )
}

/**
 * The pending insert of `values` with its drafts, checked: each is drafts of a relation
 * from `model`, with object rows; a many-to-one one has exactly one row; new related
 * rows are valid inserts of their model; the new row is valid but for the foreign key
 * its many-to-one drafts fill. Fails with `EncodeError` naming the relation's field.
 */
export const prepare = (
  model: Table.Any,
  def: TableDef,
  input: unknown,
  related: Readonly<Record<string, RelationModule.Drafts>>
): Effect.Effect<PendingInsert, EncodeError> =>
  Effect.suspend(() => {
    const fail = (name: string, message: string) => Effect.fail(encodeError(def, `${name}: ${message}`))
    if (typeof input !== "object" || input === null) return Effect.fail(encodeError(def, "invalid insert: the row is not an object"))
    const values: Record<string, unknown> = { ...(input as Record<string, unknown>) }
    const children: Array<DraftGroup> = []
    const parents: Array<DraftGroup> = []
    const links: Array<DraftGroup> = []
    const filledLater: Array<string> = []
    for (const [name, drafts] of Object.entries(related)) {
      if (typeof drafts !== "object" || drafts === null || drafts._tag !== "Drafts" || !Array.isArray(drafts.rows)) {
        return fail(name, "not drafts of a relation (give `Relation.drafts([…])`)")
      }
      const relation = drafts.relation
      if (Table.definition(relation.source) !== def) {
        return fail(name, `${relation.name} relates ${Table.definition(relation.source).identifier} rows, not ${def.identifier} rows`)
      }
      const rows = drafts.rows as ReadonlyArray<unknown>
      const bad = rows.findIndex((row) => typeof row !== "object" || row === null)
      if (bad >= 0) return fail(name, `draft ${bad} of ${relation.name} is not an object`)
      const targetDef = Table.definition(relation.target)
      if (relation.keyOn === "source" && rows.length !== 1) {
        return fail(name, `${relation.name} relates a ${def.identifier} to one ${targetDef.identifier}: its drafts are one row, not ${rows.length}`)
      }
      // New related rows are checked now, like the row itself; instances are taken as they are.
      const checked: Array<Readonly<Record<string, unknown>>> = []
      if (relation.keyOn !== "target") {
        for (const row of rows) {
          if (isInstance(relation, row)) checked.push(row as Record<string, unknown>)
          else {
            const valid = validated(relation.target, targetDef, row)
            if (Either.isLeft(valid)) return fail(name, valid.left.message)
            checked.push(valid.right)
          }
        }
      }
      if (relation.keyOn === "target") children.push({ relation, rows: drafts.rows })
      else if (relation.keyOn === "through") links.push({ relation, rows: checked })
      else {
        const given = relation.sourceKeys.filter((k) => values[k.key] !== undefined && values[k.key] !== null)
        if (given.length > 0) {
          return fail(name, `the foreign key ${given.map((k) => k.key).join(", ")} is given and drafted: give one of them`)
        }
        const row = checked[0]!
        if (isInstance(relation, row)) {
          // An existing row: its key now, nothing to insert.
          for (const [k, source] of relation.sourceKeys.entries()) {
            const value = row[relation.targetKeys[k]!.key]
            if (value === undefined) return fail(name, `the ${targetDef.identifier} given has no ${relation.targetKeys[k]!.key}`)
            values[source.key] = value
          }
        } else {
          parents.push({ relation, rows: checked })
          filledLater.push(...relation.sourceKeys.map((k) => k.key))
        }
      }
    }
    const row = filledLater.length === 0 ? validated(model, def, values) : checkWithout(model, def, values, filledLater)
    if (Either.isLeft(row)) return Effect.fail(row.left)
    return Effect.succeed({
      model,
      def,
      values: row.right,
      children,
      ...(parents.length === 0 ? {} : { parents }),
      ...(links.length === 0 ? {} : { links })
    })
  })

const pairsOf = (held: ReadonlyArray<{ readonly key: string }>, from: ReadonlyArray<{ readonly key: string }>) =>
  held.map((h, i) => [h.key, from[i]!.key] as const)

const hold = (model: Table.Any, values: Record<string, unknown>, children: ReadonlyArray<DraftGroup>, releases: Array<Release>): Held => ({
  model,
  def: Table.definition(model),
  values,
  waiting: 0,
  children,
  releases
})

/**
 * The inserts of a flush with their drafts spread out: a row with many-to-one drafts is
 * held until they are inserted (they come first, in the list); the association rows of
 * its many-to-many drafts are held until it and their other row are inserted.
 */
export const expand = (inserts: ReadonlyArray<PendingInsert>): Array<PendingInsert> => {
  const out: Array<PendingInsert> = []
  for (const insert of inserts) {
    if (insert.parents === undefined && insert.links === undefined) {
      out.push(insert)
      continue
    }
    const releases: Array<Release> = []
    if (insert.parents === undefined) out.push({ model: insert.model, def: insert.def, values: insert.values, children: insert.children, releases })
    else {
      const held = hold(insert.model, { ...insert.values }, insert.children, releases)
      for (const { relation, rows } of insert.parents) {
        held.waiting++
        const release = { held, pairs: pairsOf(relation.sourceKeys, relation.targetKeys) }
        out.push({ model: relation.target, def: Table.definition(relation.target), values: rows[0]!, children: [], releases: [release] })
      }
    }
    for (const { relation, rows } of insert.links ?? []) {
      const through = relation.through!
      for (const row of rows) {
        const link = hold(through.model, {}, [], [])
        link.waiting++
        releases.push({ held: link, pairs: pairsOf(through.sourceFks, relation.sourceKeys) })
        const pairs = pairsOf(through.targetFks, through.targetKeys)
        if (isInstance(relation, row)) for (const [field, from] of pairs) link.values[field] = row[from]
        else {
          link.waiting++
          out.push({ model: relation.target, def: Table.definition(relation.target), values: row, children: [], releases: [{ held: link, pairs }] })
        }
      }
    }
  }
  return out
}

/**
 * Gives the key of `entity`, just inserted for `row`, to the rows waiting for it; returns
 * those now complete, validated, to insert next.
 */
export const release = (row: PendingInsert, entity: Readonly<Record<string, unknown>>): Effect.Effect<ReadonlyArray<PendingInsert>, EncodeError> =>
  Effect.suspend(() => {
    if (row.releases === undefined || row.releases.length === 0) return Effect.succeed([])
    const ready: Array<PendingInsert> = []
    for (const { held, pairs } of row.releases) {
      for (const [field, from] of pairs) held.values[field] = entity[from]
      if (--held.waiting > 0) continue
      const values = validated(held.model, held.def, held.values)
      if (Either.isLeft(values)) return Effect.fail(values.left)
      ready.push({ model: held.model, def: held.def, values: values.right, children: held.children, releases: held.releases })
    }
    return Effect.succeed(ready)
  })
