import { suite } from "../suite/engine.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
