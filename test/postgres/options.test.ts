import { suite } from "../suite/options.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
