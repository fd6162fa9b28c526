// The PostgreSQL half of the every-route fuzz run (see every-route-fuzz.test.ts): its own seed and
// requests, so that the two files run side by side on the suite's two workers.
import { postgresAvailable } from "../support/databases.js";
import { everyRouteFuzzSuite } from "../support/route-fuzz-suite.js";

everyRouteFuzzSuite({ dialect: "postgres", available: postgresAvailable(), seed: 20_260_102, requests: 3_000 });
