/**
 * Writes migration operations back as a migration module: TypeScript source whose default
 * export is `Migration.make({ id, message, up, down })`, `up` the operations in order,
 * `down` their inverses in reverse order. Each operation's note becomes a comment above
 * its call. When an operation has no known inverse, `down` opens with a step that fails
 * with `MigrationError` (reason "Irreversible") before it changes anything, and a comment
 * says which operation and why: the file stays loadable, `up` runs, and `down` refuses
 * loudly instead of half-undoing. Called by `Migrator.render` and `retort revision`.
 */
import { inverse } from "./inverse.js"
import type { Operation } from "./operations.js"

/** What the module is called and where it imports retort from. */
export interface RenderOptions {
  readonly id: string
  readonly message: string
  /** The module specifier of retort in the generated file (default `"retort-orm"`). */
  readonly importFrom?: string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A TypeScript literal of `value`, `undefined` kept (required `x: T | undefined` fields need it). */
export const literal = (value: unknown, indent = ""): string => {
  if (value === undefined) return "undefined"
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    const items = value.map((v) => literal(v, inner))
    const flat = `[${items.join(", ")}]`
    return flat.length <= 80 && !flat.includes("\n") ? flat : `[\n${items.map((i) => `${inner}${i}`).join(",\n")}\n${indent}]`
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    `${identifier.test(k) ? k : JSON.stringify(k)}: ${literal(v, inner)}`
  )
  if (entries.length === 0) return "{}"
  const flat = `{ ${entries.join(", ")} }`
  return flat.length <= 100 && !flat.includes("\n") ? flat : `{\n${entries.map((e) => `${inner}${e}`).join(",\n")}\n${indent}}`
}

const args = (indent: string, ...values: ReadonlyArray<unknown>) => values.map((v) => literal(v, indent)).join(", ")

/** The builder call that performs `op`. */
export const call = (op: Operation, indent = ""): string => {
  const a = (...values: ReadonlyArray<unknown>) => args(indent, ...values)
  switch (op._tag) {
    case "CreateTable":
      return `Migration.createTable(${a(op.table)})`
    case "DropTable":
      return `Migration.dropTable(${a(op.table)})`
    case "RenameTable":
      return `Migration.renameTable(${a(op.from, op.to)})`
    case "AddColumn":
      return `Migration.addColumn(${a(op.table, op.column)})`
    case "DropColumn":
      return `Migration.dropColumn(${a(op.table, op.column)})`
    case "AlterColumn": {
      const changes = {
        ...(op.type !== undefined ? { type: op.type } : {}),
        ...(op.nullable !== undefined ? { nullable: op.nullable } : {}),
        ...(op.default !== undefined ? { default: op.default } : {})
      }
      return `Migration.alterColumn(${a(op.table, op.column, changes)})`
    }
    case "RenameColumn":
      return `Migration.renameColumn(${a(op.table, op.from, op.to)})`
    case "CreateIndex":
      return `Migration.createIndex(${a(op.table, op.index)})`
    case "DropIndex":
      return `Migration.dropIndex(${a(op.table, op.name)})`
    case "AddForeignKey":
      return `Migration.addForeignKey(${a(op.table, op.foreignKey)})`
    case "DropForeignKey":
      return `Migration.dropForeignKey(${a(op.table, op.name)})`
    case "AddUnique":
      return `Migration.addUnique(${a(op.table, op.unique)})`
    case "DropUnique":
      return `Migration.dropUnique(${a(op.table, op.name)})`
    case "AddCheck":
      return `Migration.addCheck(${a(op.table, op.check)})`
    case "DropCheck":
      return `Migration.dropCheck(${a(op.table, op.name)})`
    case "CreateEnum":
      return `Migration.createEnum(${a(op.enum)})`
    case "AddEnumValue":
      return `Migration.addEnumValue(${a(op.name, op.value)})`
    case "DropEnum":
      return `Migration.dropEnum(${a(op.name)})`
    case "Execute":
      return `Migration.execute(${a(op.sql, op.params)})`
  }
}

const comment = (text: string, indent: string) => text.split("\n").map((line) => `${indent}// ${line}`).join("\n")

const body = (steps: ReadonlyArray<{ readonly op: Operation; readonly note: string | undefined }>, indent: string): string => {
  if (steps.length === 0) return "Effect.void"
  const lines = steps.map(({ note, op }) => `${note === undefined ? "" : `${comment(note, `${indent}  `)}\n`}${indent}  yield* ${call(op, `${indent}  `)}`)
  return `Effect.gen(function*() {\n${lines.join("\n")}\n${indent}})`
}

/** The migration module for `operations`. */
export const render = (operations: ReadonlyArray<Operation>, options: RenderOptions): string => {
  const indent = "  "
  const up = operations.map((op) => ({ op, note: op.note }))
  const inverses = [...operations].reverse().map((op) => ({ op, inverse: inverse(op) }))
  const refused = inverses.flatMap(({ inverse }) => (inverse._tag === "Irreversible" ? [inverse.reason] : []))
  const down = inverses.flatMap(({ inverse }) => (inverse._tag === "Inverse" ? [{ op: inverse.operation, note: undefined }] : []))
  const downSource = refused.length === 0
    ? body(down, indent)
    : [
      `Effect.gen(function*() {`,
      comment(`Irreversible: ${refused.join("; ")}.`, `${indent}  `),
      comment("Write this down by hand if it can be undone, then remove the failure below.", `${indent}  `),
      `${indent}  yield* new Errors.MigrationError(${literal({ message: `Irreversible: ${refused.join("; ")}`, reason: "Irreversible", migration: options.id }, `${indent}  `)})`,
      ...down.map(({ op }) => `${indent}  yield* ${call(op, `${indent}  `)}`),
      `${indent}})`
    ].join("\n")
  return [
    `/**`,
    ...options.message.split("\n").map((line) => ` * ${line.replace(/\*\//g, "*\\/")}`.trimEnd()),
    ` *`,
    ` * Written by retort autogenerate: review it before you apply it.`,
    ` */`,
    `import { Effect } from "effect"`,
    `import { ${refused.length > 0 ? "Errors, " : ""}Migration } from ${literal(options.importFrom ?? "retort-orm")}`,
    ``,
    `export default Migration.make({`,
    `${indent}id: ${literal(options.id)},`,
    `${indent}message: ${literal(options.message)},`,
    `${indent}up: ${body(up, indent)},`,
    `${indent}down: ${downSource}`,
    `})`,
    ``
  ].join("\n")
}
