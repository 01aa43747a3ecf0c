import { suite } from "../suite/timestamps.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
