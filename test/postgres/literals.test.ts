import { suite } from "../suite/literals.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
