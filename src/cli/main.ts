#!/usr/bin/env node
/**
 * The `retort` binary (package.json `bin`, built to dist/cli/main.js): loads the command
 * line (`start.ts`), which runs it. The packages only the command line needs are optional
 * peer dependencies of retort: when one is not installed, this says which to install
 * rather than print a resolution stack trace (exit code 1).
 */
import { missingPackage } from "../internal/execution/drivers.js"

/** The optional peers the command line loads, installed together. */
const cliPackages = ["@effect/cli", "@effect/platform-node", "@effect/printer", "@effect/printer-ansi"]

try {
  await import("./start.js")
} catch (error) {
  const pkg = missingPackage(error)
  if (pkg === undefined || !cliPackages.includes(pkg)) throw error
  process.stderr.write(`retort: the command line needs ${pkg}, which is not installed: npm install ${cliPackages.join(" ")}\n`)
  process.exitCode = 1
}
