import { suite } from "../suite/chinook.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
