import { suite } from "../suite/savepoints.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
