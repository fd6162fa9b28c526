import { formulas } from "../../src/core/formulas/registry.js";
import { formulaContract } from "../support/formula-contract.js";

for (const formula of formulas.list()) formulaContract(formula);
