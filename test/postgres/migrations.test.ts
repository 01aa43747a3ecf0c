import { suite } from "../suite/migrations.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
