// The authorization matrix on SQLite (the suite is in test/support/authorization-matrix.ts).
import { authorizationMatrix } from "../support/authorization-matrix.js";

authorizationMatrix({ name: "sqlite", available: true });
