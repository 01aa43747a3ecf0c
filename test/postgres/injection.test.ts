import { suite } from "../suite/injection.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
