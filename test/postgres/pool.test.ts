import { suite } from "../suite/pool.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
