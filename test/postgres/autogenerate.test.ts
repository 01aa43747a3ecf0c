import { suite } from "../suite/autogenerate.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
