import { suite } from "../suite/inspect.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
