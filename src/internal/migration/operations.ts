/**
 * Migration operations as data: what `Migration.*` builders produce, what `Migrator.diff`
 * returns, what `Migrator.render` writes back as source, and what each dialect compiles
 * to DDL (`src/dialect/migrate/*.ts`). Every operation carries what its inverse needs, so
 * autogenerate can write `down` as well as `up`.
 *
 * Callers: src/Migration.ts, src/Migrator.ts, src/internal/migration/*.
 */
import type * as Inspect from "../../Inspect.js"

/**
 * Fields every operation may carry: `note` is a reviewer's remark that `Migrator.render`
 * writes as a comment above the call (autogenerate uses it for guessed renames and for
 * drop + add pairs that may have been renames).
 */
interface Common {
  readonly note?: string
}

/**
 * `previous` fields hold the state an operation replaces; `Migrator.render` needs them to
 * write `down`. Hand-written migrations may leave them out.
 */
export type Operation = Common & (
  | { readonly _tag: "CreateTable"; readonly table: Inspect.Table }
  | { readonly _tag: "DropTable"; readonly table: string; readonly previous?: Inspect.Table }
  | { readonly _tag: "RenameTable"; readonly from: string; readonly to: string }
  | { readonly _tag: "AddColumn"; readonly table: string; readonly column: Inspect.Column }
  | { readonly _tag: "DropColumn"; readonly table: string; readonly column: string; readonly previous?: Inspect.Column }
  | {
    readonly _tag: "AlterColumn"
    readonly table: string
    readonly column: string
    /** Only what changes; `default: null` drops the server default. */
    readonly type?: Inspect.ColumnType
    readonly nullable?: boolean
    readonly default?: string | null
    readonly previous?: Inspect.Column
  }
  | { readonly _tag: "RenameColumn"; readonly table: string; readonly from: string; readonly to: string }
  | { readonly _tag: "CreateIndex"; readonly table: string; readonly index: Inspect.Index }
  | { readonly _tag: "DropIndex"; readonly table: string; readonly name: string; readonly previous?: Inspect.Index }
  | { readonly _tag: "AddForeignKey"; readonly table: string; readonly foreignKey: Inspect.ForeignKey }
  | { readonly _tag: "DropForeignKey"; readonly table: string; readonly name: string; readonly previous?: Inspect.ForeignKey }
  | { readonly _tag: "AddUnique"; readonly table: string; readonly unique: Inspect.Unique }
  | { readonly _tag: "DropUnique"; readonly table: string; readonly name: string; readonly previous?: Inspect.Unique }
  | { readonly _tag: "AddCheck"; readonly table: string; readonly check: Inspect.Check }
  | { readonly _tag: "DropCheck"; readonly table: string; readonly name: string; readonly previous?: Inspect.Check }
  | { readonly _tag: "CreateEnum"; readonly enum: Inspect.Enum }
  | { readonly _tag: "AddEnumValue"; readonly name: string; readonly value: string }
  | { readonly _tag: "DropEnum"; readonly name: string; readonly previous?: Inspect.Enum }
  | { readonly _tag: "Execute"; readonly sql: string; readonly params: ReadonlyArray<unknown> }
)
