import { suite } from "../suite/cycles.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
