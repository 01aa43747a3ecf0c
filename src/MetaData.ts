/**
 * A set of tables: created and dropped together in foreign-key order, shown as DDL or
 * as an ER diagram.
 *
 * @module
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Dialect from "./Dialect.js"
import * as Engine from "./Engine.js"
import type { DatabaseError } from "./Errors.js"
import { DefinitionError } from "./Errors.js"
import * as Ddl from "./internal/ddl.js"
import * as Mermaid from "./internal/mermaid.js"
import * as Table from "./Table.js"

/**
 * A set of tables.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, MetaData, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const metadata = MetaData.make(Tag)
 * const program = metadata.createAll.pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.1.0
 * @category models
 */
export interface MetaData {
  readonly tables: ReadonlyArray<Table.Any>
  /**
   * Creates what is missing: enum types, tables (IF NOT EXISTS) in foreign-key order,
   * foreign keys that close cycles, indexes. Running it twice changes nothing. In one
   * transaction where the database has transactional DDL.
   */
  readonly createAll: Effect.Effect<void, DatabaseError | DefinitionError, Engine.Engine>
  /** Drops the tables (IF EXISTS), children first, and PostgreSQL enum types. */
  readonly dropAll: Effect.Effect<void, DatabaseError | DefinitionError, Engine.Engine>
  /** The CREATE statements for a dialect. Throws `DefinitionError` for an invalid set of tables. */
  readonly ddl: (dialect: Dialect.Dialect | Dialect.DialectName) => ReadonlyArray<string>
  /** The DROP statements for a dialect. Throws `DefinitionError` for an invalid set of tables. */
  readonly dropDdl: (dialect: Dialect.Dialect | Dialect.DialectName) => ReadonlyArray<string>
  /** An ER diagram in Mermaid syntax: tables, column types, PK / FK / UK, and cardinalities. */
  readonly toMermaid: () => string
}

/**
 * Collects tables into a `MetaData`. The set is checked as a whole (foreign keys must
 * point at unique columns of tables in the set) when it is first used.
 *
 * @example
 * import { Column, MetaData, Table } from "retort-orm"
 * class Artist extends Table.Class<Artist>("Artist")("artists", { id: Column.integer({ primaryKey: true }) }) {}
 * class Album extends Table.Class<Album>("Album")("albums", {
 *   id: Column.integer({ primaryKey: true }),
 *   artistId: Column.integer({ references: () => Artist.c.id })
 * }) {}
 * console.log(MetaData.make(Artist, Album).ddl("postgresql").join(";\n"))
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (...tables: ReadonlyArray<Table.Any>): MetaData => {
  let plan: Ddl.Plan | undefined
  const resolve = (): Ddl.Plan => (plan ??= Ddl.resolve(tables.map(Table.definition)))
  const planEffect = Effect.try({
    try: resolve,
    catch: (e) => (e instanceof DefinitionError ? e : new DefinitionError({ message: String(e), table: undefined, column: undefined }))
  })
  const dialectOf = (d: Dialect.Dialect | Dialect.DialectName) => (typeof d === "string" ? Dialect.byName(d) : d)

  const run = (statements: (dialect: Dialect.Dialect, plan: Ddl.Plan) => ReadonlyArray<string>, transactional: (engine: Engine.Engine, plan: Ddl.Plan) => boolean) =>
    Effect.gen(function*() {
      const plan = yield* planEffect
      const engine = yield* Engine.Engine
      const all = Effect.forEach(statements(engine.dialect, plan), (sql) => engine.execute(sql), { discard: true })
      yield* transactional(engine, plan) ? engine.transaction(all) : all
    })

  return {
    tables,
    createAll: run(Ddl.createStatements, (engine) => engine.capabilities.transactionalDdl),
    // SQLite ignores PRAGMA foreign_keys inside a transaction, and needs it to drop a cycle.
    dropAll: run(
      Ddl.dropStatements,
      (engine, plan) => engine.capabilities.transactionalDdl && (plan.deferred.size === 0 || engine.dialect.ddl.alterForeignKeys)
    ),
    ddl: (dialect) => Ddl.createStatements(dialectOf(dialect), resolve()),
    dropDdl: (dialect) => Ddl.dropStatements(dialectOf(dialect), resolve()),
    toMermaid: () => Mermaid.toMermaid(resolve())
  }
}
