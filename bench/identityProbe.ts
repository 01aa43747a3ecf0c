/**
 * A session's identity map as a lookup uses it: made, one instance merged, read back.
 * µs per map, the best of 9 rounds. npx tsc -p tsconfig.bench.json && node .bench/bench/identityProbe.js
 */
import * as Table from "../src/Table.js"
import { IdentityMap } from "../src/internal/session/IdentityMap.js"
import { User, userRow } from "./model.js"
const def = Table.definition(User)
const N = 200_000
const rows = Array.from({ length: 2000 }, (_, i) => ({ ...userRow((i * 7919) % 10_000) }))
let sink = 0
const cases: Record<string, () => void> = {
  "new + merge one": () => {
    for (let i = 0; i < N; i++) {
      const m = new IdentityMap()
      m.merge(def, rows[i % 2000]!)
      if (m.get(def, rows[i % 2000]!) !== undefined) sink++
    }
  },
  "new + merge three": () => {
    for (let i = 0; i < N; i++) {
      const m = new IdentityMap()
      for (let j = 0; j < 3; j++) m.merge(def, rows[(i + j * 7) % 2000]!)
      if (m.get(def, rows[i % 2000]!) !== undefined) sink++
    }
  }
}
const best: Record<string, number> = {}
for (let r = 0; r < 9; r++) for (const [k, f] of Object.entries(cases)) { const t = performance.now(); f(); best[k] = Math.min(best[k] ?? 1e9, (performance.now() - t) * 1000 / N) }
for (const [k, v] of Object.entries(best)) console.log(k.padEnd(20), v.toFixed(3), "µs")
if (sink === 0) console.log("none found")
