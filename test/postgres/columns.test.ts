import { suite } from "../suite/columns.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
