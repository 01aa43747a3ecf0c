import { suite } from "../suite/savepoints.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
