/**
 * Small helpers the three reflectors (`src/dialect/reflect/{sqlite,postgres,mysql}.ts`)
 * share: reading driver values, referential actions by their SQL spelling, and the
 * type-text cleanup before a type is mapped back to a retort column type.
 */
import type { ReferentialAction } from "../../Column.js"
import type { Row } from "../../Engine.js"

/** A text cell (drivers may return Buffers for some catalog columns). */
export const text = (row: Row, column: string): string => {
  const v = row[column]
  return v === null || v === undefined ? "" : typeof v === "string" ? v : v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : String(v)
}

/** A text cell that may be NULL. */
export const optionalText = (row: Row, column: string): string | undefined => {
  const v = row[column]
  return v === null || v === undefined ? undefined : text(row, column)
}

/** A number cell (numbers, bigints and numeric text alike). */
export const num = (row: Row, column: string): number => Number(row[column] ?? 0)

/** A boolean cell (true/false, 1/0, "YES"/"NO", "t"/"f"). */
export const bool = (row: Row, column: string): boolean => {
  const v = row[column]
  if (typeof v === "string") return ["yes", "y", "t", "true", "1"].includes(v.toLowerCase())
  return v === true || Number(v) === 1
}

const actions: Record<string, ReferentialAction> = {
  "CASCADE": "cascade",
  "RESTRICT": "restrict",
  "SET NULL": "setNull",
  "SET DEFAULT": "setDefault",
  "NO ACTION": "noAction"
}

/** A referential action from its SQL spelling (`NO ACTION`, `SET NULL`, …). */
export const action = (sql: string | undefined): ReferentialAction => actions[(sql ?? "NO ACTION").trim().toUpperCase()] ?? "noAction"

/** Type text in one spelling: upper case, single spaces, none around parentheses and commas. */
export const typeText = (sql: string): string =>
  sql.trim().toUpperCase().replace(/\s+/g, " ").replace(/\s*([(,])\s*/g, "$1").replace(/\s*\)/g, ")")

/** `NAME(1,2)` → the name and the numbers in parentheses. */
export const typeParts = (canonical: string): { readonly name: string; readonly args: ReadonlyArray<number> } | undefined => {
  const m = /^([A-Z ]+?)(?:\((\d+(?:,\d+)*)\))?( [A-Z ]+)?$/.exec(canonical)
  if (m === null) return undefined
  return { name: `${m[1]!}${m[3] ?? ""}`, args: m[2] === undefined ? [] : m[2].split(",").map(Number) }
}
