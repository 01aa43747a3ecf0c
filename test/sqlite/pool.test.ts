import { suite } from "../suite/pool.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
