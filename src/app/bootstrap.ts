/**
 * First start: the host organisation, a site admin with an API key, the built-in scoring
 * taxonomies and the default decaying models (disabled, as in MISP). Later starts change nothing,
 * except that a HALFLIFE_ADMIN_KEY not yet known is added to the first site admin (so automation
 * can always get in with the key it was given). A configured key that is known but no longer
 * works (revoked, expired, or its user disabled) is left as it is: an administrator took it out of
 * use, and a variable left behind must not bring it back. Start-up goes on, with a warning.
 */
import { randomUUID } from "node:crypto";
import type { ApiKeyRecord, OrgRecord, UserRecord } from "../core/domain.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";
import { hashKey, storeKey } from "./keys.js";
import { installBuiltinTaxonomies } from "./taxonomies.js";
import { updateDefaultModels } from "./decaying-models.js";

export interface BootstrapResult {
  hostOrg: OrgRecord;
  admin: UserRecord;
  /** True on the very first start of this store. */
  fresh: boolean;
  /** The admin key, when this start created it (generated or from HALFLIFE_ADMIN_KEY). */
  adminKey: string | null;
  /** Why HALFLIFE_ADMIN_KEY does not let anyone in, when it names a key taken out of use. */
  adminKeyWarning: string | null;
}

/** Why a stored key does not authenticate at `now`, or null when it does. */
async function unusable(tx: StoreSession, key: ApiKeyRecord, now: number): Promise<string | null> {
  const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
  if (key.revoked_at !== null) return `was revoked on ${day(key.revoked_at)}`;
  if (key.expires_at !== null && key.expires_at <= now) return `expired on ${day(key.expires_at)}`;
  if (!(await tx.keys.principalForUser(key.user_id))) return "belongs to a disabled user";
  return null;
}

/** Steps later features add to the first start (default decaying models, for one). */
export type BootstrapStep = (context: AppContext, result: BootstrapResult) => Promise<void>;

export const ADMIN_EMAIL = "admin@halflife.test";

export async function bootstrap(context: AppContext, options: { adminKey?: string; steps?: BootstrapStep[] } = {}): Promise<BootstrapResult> {
  const now = context.now();
  const result = await context.store.transaction(async (tx) => {
    let [hostOrg] = await tx.orgs.list();
    if (!hostOrg) hostOrg = await tx.orgs.create({ uuid: randomUUID(), name: context.settings.orgName, description: "The organisation that runs this Halflife instance.", local: true, created: now });
    const fresh = (await tx.users.count()) === 0;
    let admin: UserRecord;
    let adminKey: string | null = null;
    let adminKeyWarning: string | null = null;
    if (fresh) {
      admin = await tx.users.create({ org_id: hostOrg.id, role_id: 1, email: ADMIN_EMAIL, disabled: false, created: now, last_login: null });
      adminKey = (await storeKey(tx, admin.id, now, { ...(options.adminKey ? { key: options.adminKey } : {}), comment: "created at first start" })).key;
    } else {
      admin = (await tx.users.list()).find((u) => u.role_id === 1) ?? (await tx.users.list())[0]!;
      const known = options.adminKey ? await tx.keys.byHash(hashKey(options.adminKey)) : null;
      if (options.adminKey && !known) {
        adminKey = (await storeKey(tx, admin.id, now, { key: options.adminKey, comment: "from HALFLIFE_ADMIN_KEY" })).key;
      } else if (known) {
        const why = await unusable(tx, known, now);
        if (why) adminKeyWarning = `HALFLIFE_ADMIN_KEY names a key that ${why}; it stays out of use: unset the variable, or set it to a new key`;
      }
    }
    return { hostOrg, admin, fresh, adminKey, adminKeyWarning };
  });
  await installBuiltinTaxonomies(context);
  // MISP ships its default models disabled; they are installed at first start all the same.
  if (result.fresh) await updateDefaultModels(context, null, { hostOrgId: result.hostOrg.id });
  for (const step of options.steps ?? []) await step(context, result);
  return result;
}
