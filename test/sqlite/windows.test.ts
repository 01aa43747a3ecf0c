import { suite } from "../suite/windows.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
