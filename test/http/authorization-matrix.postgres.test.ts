// The authorization matrix on PostgreSQL (the suite is in test/support/authorization-matrix.ts).
import { authorizationMatrix } from "../support/authorization-matrix.js";
import { postgresAvailable } from "../support/databases.js";

authorizationMatrix({ name: "postgres", available: postgresAvailable() });
