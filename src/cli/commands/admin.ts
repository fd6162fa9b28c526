/** `halflife user add|list|key|revoke` and `halflife org add|list`: administration from the shell. */
import type { Command } from "commander";
import { createKey, createOrg, createUser, listKeys, listOrgs, listUsers, revokeKey } from "../../app/admin.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { table } from "../table.js";

export function registerAdmin(program: Command, context: CliContext): void {
  const user = program.command("user").description("Manage users and their API keys");
  user
    .command("add")
    .description("Create a user and print their first API key (shown once)")
    .argument("<email>", "the user's e-mail address")
    .option("--org <name|id>", "organisation (default: the host organisation)")
    .option("--role <name|id>", "role: admin, Org Admin, User, Publisher, Sync user, Read Only (default: the instance's default role)")
    .addHelpText("after", "\nExamples:\n  halflife user add analyst@example.org --role Publisher\n  halflife user add sync@partner.example --org 'Partner CERT' --role 'Sync user'")
    .action(async (email: string, options: { org?: string; role?: string }) => {
      const { context: app } = await context.app();
      const created = await createUser(app, null, { email, ...(options.role ? { role: options.role } : {}), ...(options.org ? { org: options.org } : {}) });
      context.stdout.write(`Created user ${created.user.id} ${created.user.email}\nAPI key (shown once): ${created.key}\n`);
    });
  user
    .command("list")
    .description("List users")
    .action(async () => {
      const { context: app } = await context.app();
      const users = await listUsers(app, null);
      context.stdout.write(
        table([
          ["id", "email", "organisation", "role", "disabled"],
          ...users.map(({ user: u, org: o, role: r }) => [String(u.id), u.email, o?.name ?? "?", r?.name ?? "?", u.disabled ? "yes" : "no"]),
        ]),
      );
    });
  user
    .command("key")
    .description("Create a new API key for a user and print it (shown once); --list shows existing keys")
    .argument("<user>", "e-mail or id")
    .option("--comment <text>", "what the key is for", "")
    .option("--list", "list the user's keys instead (first and last four characters only)")
    .addHelpText("after", "\nExamples:\n  halflife user key admin@halflife.test --comment cron-sweep\n  halflife user key 3 --list")
    .action(async (reference: string, options: { comment: string; list?: boolean }) => {
      const { context: app } = await context.app();
      if (options.list) {
        const keys = await listKeys(app, null, reference);
        const when = (t: number | null) => (t === null ? "-" : new Date(t * 1000).toISOString().slice(0, 16).replace("T", " "));
        context.stdout.write(
          table([["id", "key", "comment", "created", "last used", "revoked"], ...keys.map((k) => [String(k.id), `${k.key_start}…${k.key_end}`, k.comment, when(k.created), when(k.last_used_at), when(k.revoked_at)])]),
        );
        return;
      }
      const { key, record } = await createKey(app, null, reference, options.comment);
      context.stdout.write(`New API key ${record.id} (shown once): ${key}\n`);
    });
  user
    .command("revoke")
    .description("Revoke an API key by its id (see user key USER --list)")
    .argument("<key-id>", "the key's id")
    .action(async (id: string) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`key id must be a number, got ${JSON.stringify(id)}`);
      const { context: app } = await context.app();
      await revokeKey(app, null, Number(id));
      context.stdout.write(`Revoked key ${id}\n`);
    });

  const org = program.command("org").description("Manage organisations");
  org
    .command("add")
    .description("Create an organisation")
    .argument("<name>", "its name")
    .option("--description <text>", "what it is", "")
    .action(async (name: string, options: { description: string }) => {
      const { context: app } = await context.app();
      const created = await createOrg(app, null, { name, description: options.description });
      context.stdout.write(`Created organisation ${created.id} ${created.name} (${created.uuid})\n`);
    });
  org
    .command("list")
    .description("List organisations")
    .action(async () => {
      const { context: app } = await context.app();
      const orgs = await listOrgs(app, null);
      context.stdout.write(table([["id", "name", "uuid"], ...orgs.map((o) => [String(o.id), o.name, o.uuid])]));
    });
}
