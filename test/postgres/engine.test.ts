import { suite } from "../suite/engine.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
