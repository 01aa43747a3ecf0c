/**
 * Small text helpers for the dialects' DDL hooks.
 */

/** A double-quote style identifier (PostgreSQL, SQLite). */
export const quoteDouble = (identifier: string): string => `"${identifier.replace(/"/g, "\"\"")}"`

/** A string constant; `backslashes` for MariaDB, where a backslash escapes by default. */
export const quoteString = (value: string, backslashes = false): string =>
  `'${(backslashes ? value.replace(/\\/g, "\\\\") : value).replace(/'/g, "''")}'`

/** SQL's spelling of each isolation level: dialects read this table, never the option's text. */
export const isolationSql = {
  "read uncommitted": "READ UNCOMMITTED",
  "read committed": "READ COMMITTED",
  "repeatable read": "REPEATABLE READ",
  "serializable": "SERIALIZABLE"
} as const
