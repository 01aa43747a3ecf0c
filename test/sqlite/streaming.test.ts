import { suite } from "../suite/streaming.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
