import { suite } from "../suite/telemetry.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
