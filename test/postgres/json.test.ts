import { suite } from "../suite/json.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
