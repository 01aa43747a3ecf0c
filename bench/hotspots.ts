/**
 * Summarizes a .cpuprofile: self time per function and per file, top entries.
 *   npx tsx bench/hotspots.ts <file.cpuprofile>
 */
import { readFileSync } from "node:fs"

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: Array<number> }
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Array<Node>; samples: Array<number>; timeDeltas: Array<number> }
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const byFn = new Map<string, number>()
const byFile = new Map<string, number>()
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0
  const file = node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")
  const key = `${node.callFrame.functionName || "(anonymous)"} ${file}:${node.callFrame.lineNumber + 1}`
  byFn.set(key, (byFn.get(key) ?? 0) + t)
  const group = file.split("/").slice(0, file.startsWith("@") ? 2 : 1).join("/") || "(native)"
  byFile.set(group, (byFile.get(group) ?? 0) + t)
}
const top = (m: Map<string, number>, n: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join("\n")
console.log("By package / folder:\n" + top(byFile, 12) + "\n\nBy function (self time):\n" + top(byFn, 25))
