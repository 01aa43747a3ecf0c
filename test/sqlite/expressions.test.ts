import { suite } from "../suite/expressions.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
