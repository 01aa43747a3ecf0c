/**
 * What RETURNING costs a row insert on the raw drivers: 2,000 single-row inserts in one
 * transaction, with and without `RETURNING` the row, alternating, 16 rounds, median and min
 * wall-clock ms. Why `insertRow.ts` leaves RETURNING out where the database stores values as bound.
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/returningProbe.js postgresql|mysql
 */
import mysql from "mysql2/promise"
import pg from "pg"

const dialect = process.argv[2] ?? "postgresql"
const values = (i: number) => [i + 1, `user ${i}`, `user${i}@example.com`, 20 + i % 50, `${i % 1000}.${String(i % 100).padStart(2, "0")}`]
const ddl = "CREATE TABLE returning_probe (id integer primary key, name varchar(50), email varchar(100), age integer, score numeric(10,2))"
const columns = "INSERT INTO returning_probe (id, name, email, age, score) VALUES "

interface Driver {
  readonly query: (sql: string) => Promise<unknown>
  readonly insert: (sql: string, name: string, params: Array<unknown>) => Promise<unknown>
  readonly end: () => Promise<void>
  readonly placeholders: string
}
const connect = async (): Promise<Driver> => {
  if (dialect === "postgresql") {
    const client = new pg.Client({ host: "127.0.0.1", user: "postgres", database: "test" })
    await client.connect()
    return {
      query: (sql) => client.query(sql),
      insert: (text, name, params) => client.query({ name, text, values: params }),
      end: () => client.end(),
      placeholders: "($1, $2, $3, $4, $5)"
    }
  }
  const conn = await mysql.createConnection({ host: "127.0.0.1", user: "root", database: "test" })
  return {
    query: (sql) => conn.query(sql),
    insert: (sql, _name, params) => conn.execute(sql, params as Array<any>),
    end: () => conn.end(),
    placeholders: "(?, ?, ?, ?, ?)"
  }
}

const db = await connect()
await db.query("DROP TABLE IF EXISTS returning_probe")
await db.query(ddl)
const modes = {
  plain: columns + db.placeholders,
  returning: `${columns}${db.placeholders} RETURNING id, name, email, age, score`
}
const times: Record<string, Array<number>> = { plain: [], returning: [] }
for (let round = 0; round < 16; round++) {
  for (const [mode, sql] of Object.entries(modes)) {
    await db.query("DELETE FROM returning_probe")
    const start = performance.now()
    await db.query("BEGIN")
    for (let i = 0; i < 2000; i++) await db.insert(sql, mode, values(i))
    await db.query("COMMIT")
    times[mode]!.push(performance.now() - start)
  }
}
for (const [mode, xs] of Object.entries(times)) {
  xs.sort((a, b) => a - b)
  console.log(`${dialect} ${mode.padEnd(10)} median ${xs[8]!.toFixed(1)} ms  min ${xs[0]!.toFixed(1)} ms`)
}
await db.query("DROP TABLE returning_probe")
await db.end()
