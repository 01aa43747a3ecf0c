import { suite } from "../suite/sessionWarnings.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
