import { suite } from "../suite/faults.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
