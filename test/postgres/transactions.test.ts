import { suite } from "../suite/transactions.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
