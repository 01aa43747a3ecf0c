import { suite } from "../suite/writes.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
