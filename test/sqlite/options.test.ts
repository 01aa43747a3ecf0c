import { suite } from "../suite/options.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
