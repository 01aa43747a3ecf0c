import { suite } from "../suite/writes.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
