import { suite } from "../suite/telemetry.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
