import { suite } from "../suite/reports.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
