import { suite } from "../suite/expressions.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
