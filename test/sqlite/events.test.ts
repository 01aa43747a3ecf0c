import { suite } from "../suite/events.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
