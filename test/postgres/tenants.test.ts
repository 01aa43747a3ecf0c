import { suite } from "../suite/tenants.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
