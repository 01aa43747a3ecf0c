import { suite } from "../suite/apiSchemas.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
