import { Effect, Cause } from "effect"
import { Engine } from "../src/index.js"
for (const url of ["sqlite://", "postgresql://postgres@127.0.0.1:5432/test", "mysql://root@127.0.0.1:3306/test", "postgresql://postgres:hunter2@127.0.0.1:5999/test", "mysql://root:hunter2@127.0.0.1:3306/test"]) {
  const exit = await Effect.runPromiseExit(Engine.execute("SELECT 1 AS one").pipe(Effect.provide(Engine.layer(url, { echo: true }))))
  console.log(url, exit._tag === "Success" ? exit.value : Cause.pretty(exit.cause).slice(0, 400))
}
