/**
 * The administration use-cases in one import, for the command line and the test harness:
 * organisations, users, roles and API keys, each in its own module with its rules.
 */
export { createOrg, deleteOrg, editOrg, findOrg, listOrgs, viewOrg, type OrgInput } from "./organisations.js";
export { createUser, deleteUser, editOwnSettings, editUser, findUser, listUsers, viewMe, viewUser, type NewUser, type UserInput, type UserView } from "./users.js";
export { createRole, defaultRole, deleteRole, editRole, findRole, listRoles, setDefaultRole, type RoleInput } from "./roles.js";
export { createKey, listKeys, listManageableKeys, revokeKey, viewKey, type KeyInput, type KeyView } from "./auth-keys.js";
