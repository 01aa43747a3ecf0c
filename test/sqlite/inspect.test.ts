import { suite } from "../suite/inspect.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
