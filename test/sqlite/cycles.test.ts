import { suite } from "../suite/cycles.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
