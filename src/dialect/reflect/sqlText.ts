/**
 * A small SQL tokenizer and the canonical spelling of an expression (server defaults and
 * CHECK text), so that what a database gives back and what retort's DDL wrote compare
 * equal. Each dialect's reflector (`src/dialect/reflect/*.ts`) calls `normalize` with its
 * own options; the SQLite reflector also walks CREATE TABLE text with `tokenize`.
 *
 * The canonical form: tokens joined by single spaces (none inside parentheses' edges,
 * before a comma, around a dot or between a function name and its parenthesis); SQL
 * keywords upper case; function names lower case; simple quoted identifiers unquoted;
 * string constants re-quoted one way; redundant parentheses (around the whole, around one
 * token, doubled) removed; and per dialect, casts stripped (PostgreSQL) and `now()` /
 * `current_timestamp()` written `CURRENT_TIMESTAMP`.
 */

export type TokenKind = "ident" | "quoted" | "string" | "number" | "punct"

export interface Token {
  readonly kind: TokenKind
  /** The identifier's or the string constant's value; the text itself otherwise. */
  readonly value: string
  readonly start: number
  readonly end: number
}

const identStart = /[A-Za-z_\u0080-\uffff]/
const identPart = /[A-Za-z0-9_$\u0080-\uffff]/
const operators = ["::", "<=", ">=", "<>", "!=", "||", "==", "->>", "->"]

/** Splits SQL text into tokens; comments and white space are dropped. */
export const tokenize = (sql: string, options: { readonly backslashEscapes: boolean }): Array<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2)
      i = close === -1 ? n : close + 2
    } else if (c === "'" || c === "\"" || c === "`" || c === "[") {
      const closer = c === "[" ? "]" : c
      const start = i
      let value = ""
      i++
      while (i < n) {
        const d = sql[i]!
        if (c === "'" && options.backslashEscapes && d === "\\" && i + 1 < n) {
          const e = sql[i + 1]!
          value += e === "n" ? "\n" : e === "t" ? "\t" : e === "0" ? "\u0000" : e
          i += 2
        } else if (d === closer) {
          if (closer !== "]" && sql[i + 1] === closer) {
            value += closer
            i += 2
          } else {
            i++
            break
          }
        } else {
          value += d
          i++
        }
      }
      tokens.push({ kind: c === "'" ? "string" : "quoted", value, start, end: i })
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const start = i
      while (i < n && /[0-9.]/.test(sql[i]!)) i++
      if (i < n && /[eE]/.test(sql[i]!) && /[-+0-9]/.test(sql[i + 1] ?? "")) {
        i += 2
        while (i < n && /[0-9]/.test(sql[i]!)) i++
      }
      tokens.push({ kind: "number", value: sql.slice(start, i), start, end: i })
    } else if (identStart.test(c)) {
      const start = i
      while (i < n && identPart.test(sql[i]!)) i++
      tokens.push({ kind: "ident", value: sql.slice(start, i), start, end: i })
    } else {
      const op = operators.find((o) => sql.startsWith(o, i))
      const text = op ?? c
      tokens.push({ kind: "punct", value: text, start: i, end: i + text.length })
      i += text.length
    }
  }
  return tokens
}

/** Words written upper case in the canonical form. */
const keywords = new Set([
  "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "GLOB", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",
  "TRUE", "FALSE", "AT", "TIME", "ZONE", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME",
  "ESCAPE", "DISTINCT", "FROM", "AS", "INTERVAL", "ANY", "ALL", "SOME", "ARRAY", "COLLATE", "REGEXP", "SIMILAR", "TO"
])

/** Keywords that are also functions: `current_timestamp()`. */
const valueFunctions = new Set(["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME"])

/** Type words that may follow the first word of a PostgreSQL cast (`::character varying`). */
const castWords = new Set(["varying", "precision", "with", "without", "time", "zone"])

export interface NormalizeOptions {
  readonly backslashEscapes: boolean
  /** Writes a string constant. */
  readonly quoteString: (value: string) => string
  /** Quotes an identifier that needs it. */
  readonly quoteIdentifier: (name: string) => string
  /** An identifier that may go unquoted. */
  readonly simpleIdentifier: RegExp
  /** Unquoted identifiers fold to lower case (PostgreSQL). */
  readonly foldLower: boolean
  /** Drop `::type` casts (PostgreSQL). */
  readonly stripCasts: boolean
  /** Function calls that mean CURRENT_TIMESTAMP. */
  readonly nowFunctions: ReadonlyArray<string>
  /** Functions the database reports under another name (MariaDB writes `lower` as `lcase`): name → canonical name. */
  readonly synonyms?: Readonly<Record<string, string>>
}

type Item =
  | { readonly _tag: "token"; readonly token: Token }
  | { readonly _tag: "group"; readonly items: Array<Item>; call: boolean }

const numericTypes = new Set(["integer", "bigint", "smallint", "numeric", "double", "real", "int", "int4", "int8", "int2", "float8", "float4"])

const stripCasts = (tokens: ReadonlyArray<Token>): Array<Token> => {
  const out: Array<Token> = []
  let i = 0
  while (i < tokens.length) {
    const t = tokens[i]!
    if (t.kind === "punct" && t.value === "::") {
      i++
      // '-5'::integer is how PostgreSQL writes a negative constant back: the number.
      const last = out[out.length - 1]
      const typeName = tokens[i]?.kind === "ident" ? tokens[i]!.value.toLowerCase() : ""
      if (last?.kind === "string" && numericTypes.has(typeName) && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(last.value)) {
        out[out.length - 1] = { ...last, kind: "number" }
      }
      // the type name, possibly schema-qualified
      if (tokens[i]?.kind === "ident" || tokens[i]?.kind === "quoted") i++
      while (tokens[i]?.value === "." && (tokens[i + 1]?.kind === "ident" || tokens[i + 1]?.kind === "quoted")) i += 2
      while (tokens[i]?.kind === "ident" && castWords.has(tokens[i]!.value.toLowerCase())) i++
      if (tokens[i]?.value === "(") {
        let j = i + 1
        while (tokens[j] !== undefined && (tokens[j]!.kind === "number" || tokens[j]!.value === ",")) j++
        if (tokens[j]?.value === ")") i = j + 1
      }
      while (tokens[i]?.value === "[" && tokens[i + 1]?.value === "]") i += 2
      continue
    }
    out.push(t)
    i++
  }
  return out
}

const group = (tokens: ReadonlyArray<Token>): Array<Item> => {
  const root: Array<Item> = []
  const stack: Array<Array<Item>> = [root]
  for (const token of tokens) {
    const top = stack[stack.length - 1]!
    if (token.value === "(" && token.kind === "punct") {
      const prev = top[top.length - 1]
      const call = prev !== undefined && prev._tag === "token" && (prev.token.kind === "ident" || prev.token.kind === "quoted") &&
        (!keywords.has(prev.token.value.toUpperCase()) || valueFunctions.has(prev.token.value.toUpperCase()))
      const g: Item = { _tag: "group", items: [], call }
      top.push(g)
      stack.push(g.items)
    } else if (token.value === ")" && token.kind === "punct" && stack.length > 1) {
      stack.pop()
    } else {
      top.push({ _tag: "token", token })
    }
  }
  return root
}

const isKeyword = (item: Item | undefined, word: string) =>
  item !== undefined && item._tag === "token" && item.token.kind === "ident" && item.token.value.toUpperCase() === word

/** Removes parentheses that change nothing: doubled, around one token or call, around an operand of AND / OR. */
const simplify = (items: Array<Item>): Array<Item> => {
  const out: Array<Item> = []
  for (let i = 0; i < items.length; i++) {
    let item = items[i]!
    if (item._tag === "group") {
      let inner = simplify(item.items)
      if (!item.call && !isKeyword(items[i - 1], "IN")) {
        while (inner.length === 1 && inner[0]!._tag === "group" && !inner[0]!.call) inner = inner[0]!.items
        // One token, or one function call: `('x')`, `(lower(name))`.
        const single = inner.length === 1 && inner[0]!._tag === "token"
        const call = inner.length === 2 && inner[0]!._tag === "token" && inner[1]!._tag === "group" && inner[1]!.call
        if (single || call) {
          out.push(...inner)
          continue
        }
        // An operand of AND / OR that holds no AND / OR itself: NOT and comparisons bind tighter.
        const boundary = (x: Item | undefined) => x === undefined || isKeyword(x, "AND") || isKeyword(x, "OR")
        if (boundary(items[i - 1]) && boundary(items[i + 1]) && !inner.some((x) => isKeyword(x, "AND") || isKeyword(x, "OR"))) {
          out.push(...inner)
          continue
        }
      }
      item = { _tag: "group", items: inner, call: item.call }
    }
    out.push(item)
  }
  return out
}

/** Writes items in the canonical spelling. */
const render = (items: ReadonlyArray<Item>, options: NormalizeOptions): string => {
  let out = ""
  items.forEach((item, i) => {
    const prev = items[i - 1]
    if (item._tag === "group") {
      const text = `(${render(item.items, options)})`
      out += item.call || out === "" || isPunct(prev, ".") ? text : ` ${text}`
      return
    }
    const t = item.token
    let text: string
    switch (t.kind) {
      case "string":
        text = options.quoteString(t.value)
        break
      case "number":
        text = t.value
        break
      case "quoted":
        text = options.simpleIdentifier.test(t.value) && !keywords.has(t.value.toUpperCase())
          ? t.value
          : options.quoteIdentifier(t.value)
        break
      case "ident": {
        const next = items[i + 1]
        const upper = t.value.toUpperCase()
        text = keywords.has(upper)
          ? upper
          : (next !== undefined && next._tag === "group" && next.call) || options.foldLower
          ? t.value.toLowerCase()
          : t.value
        break
      }
      case "punct":
        text = t.value
    }
    const tight = t.kind === "punct" && (t.value === "," || t.value === ".")
    out += out === "" || tight || isPunct(prev, ".") ? text : ` ${text}`
  })
  return out
}

const isPunct = (item: Item | undefined, value: string) =>
  item !== undefined && item._tag === "token" && item.token.kind === "punct" && item.token.value === value

/** A minus sign after an operator, a comma, an opening parenthesis or at the start belongs to the number. */
const signNumbers = (tokens: ReadonlyArray<Token>): Array<Token> => {
  const out: Array<Token> = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const next = tokens[i + 1]
    const prev = out[out.length - 1]
    if (
      t.kind === "punct" && t.value === "-" && next?.kind === "number" &&
      (prev === undefined || (prev.kind === "punct" && prev.value !== ")"))
    ) {
      out.push({ kind: "number", value: `-${next.value}`, start: t.start, end: next.end })
      i++
      continue
    }
    out.push(t)
  }
  return out
}

/** The calls that mean CURRENT_TIMESTAMP, rewritten. */
const rewriteNow = (items: Array<Item>, names: ReadonlyArray<string>, synonyms: Readonly<Record<string, string>> = {}): Array<Item> => {
  const out: Array<Item> = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const next = items[i + 1]
    if (
      item._tag === "token" && item.token.kind === "ident" && names.includes(item.token.value.toLowerCase()) &&
      next !== undefined && next._tag === "group" && next.call && next.items.length === 0
    ) {
      out.push({ _tag: "token", token: { ...item.token, kind: "ident", value: "CURRENT_TIMESTAMP" } })
      i++
      continue
    }
    const synonym = item._tag === "token" && item.token.kind === "ident" && next !== undefined && next._tag === "group" && next.call
      ? synonyms[item.token.value.toLowerCase()]
      : undefined
    if (synonym !== undefined && item._tag === "token") {
      out.push({ _tag: "token", token: { ...item.token, value: synonym } })
      continue
    }
    out.push(item._tag === "group" ? { ...item, items: rewriteNow(item.items, names, synonyms) } : item)
  }
  return out
}

/** A normalized server default, or none: `DEFAULT NULL` is no default. */
export const defaultOf = (normalized: string): string | undefined =>
  normalized === "" || normalized === "NULL" ? undefined : normalized

/** The canonical spelling of an SQL expression. */
export const normalize = (sql: string, options: NormalizeOptions): string => {
  let tokens = tokenize(sql, options)
  if (options.stripCasts) tokens = stripCasts(tokens)
  tokens = signNumbers(tokens)
  let items = rewriteNow(group(tokens), options.nowFunctions, options.synonyms)
  items = simplify(items)
  while (items.length === 1 && items[0]!._tag === "group" && !items[0]!.call) items = items[0]!.items
  return render(items, options)
}

/**
 * `column IN ('a', 'b')` in canonical text: the column and the values; `undefined` for any
 * other expression. How a literal column's CHECK is recognized on MariaDB and SQLite.
 */
export const inList = (
  canonical: string,
  options: { readonly backslashEscapes: boolean }
): { readonly column: string; readonly values: ReadonlyArray<string> } | undefined => {
  const t = tokenize(canonical, options)
  if (t.length < 5) return undefined
  const [column, kw, open] = t
  if (column!.kind !== "ident" && column!.kind !== "quoted") return undefined
  if (kw!.kind !== "ident" || kw!.value.toUpperCase() !== "IN" || open!.value !== "(" || t[t.length - 1]!.value !== ")") return undefined
  const values: Array<string> = []
  for (let i = 3; i < t.length - 1; i++) {
    const token = t[i]!
    if ((i - 3) % 2 === 0) {
      if (token.kind !== "string") return undefined
      values.push(token.value)
    } else if (token.value !== ",") return undefined
  }
  return { column: column!.value, values }
}
