import { suite } from "../suite/values.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
