// PyMISP's own live test suite, run unchanged against a real `halflife serve`: every method that
// exercises what Halflife claims (events, attributes, objects, sightings, tags, taxonomies, users,
// organisations, roles, decay). Each method below must pass, except the known failures, each with
// its reason (also listed in docs/compatibility.md). A known failure that starts passing fails too,
// so that the list and the documentation stay true.
//
// The suite needs the Python virtual environment that .ci/run makes. Without it this file is
// skipped with one line; with HALFLIFE_REQUIRE_PYMISP=1 (set by .ci/run) it fails instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findVenvPython,
  prepareSuite,
  pymispRequired,
  runSuiteMethods,
  startLiveServer,
  type LiveServer,
  type SuiteResults,
} from "../support/pymisp-live.js";

/** The methods of tests/testlive_comprehensive.py that exercise what Halflife claims. */
export const IN_SCOPE = [
  // events/restSearch, attributes/restSearch, events/index
  "test_search_value_event",
  "test_search_value_attribute",
  "test_search_type_event",
  "test_search_index",
  "test_search_objects",
  "test_search_type_attribute",
  "test_search_tag_event",
  "test_search_tag_attribute",
  "test_search_tag_advanced_event",
  "test_search_tag_advanced_attributes",
  "test_search_timestamp_event",
  "test_search_timestamp_attribute",
  "test_search_publish_timestamp",
  "test_search_decay",
  "test_search_csv",
  "test_search_text",
  "test_search_type_event_csv",
  "test_search_workflow",
  "test_search_workflow_ts",
  // events and attributes
  "test_user_perms",
  "test_delete_with_update",
  "test_get_non_exists_event",
  "test_delete_by_uuid",
  "test_default_distribution",
  "test_exists",
  "test_simple_event",
  "test_event_add_update_metadata",
  "test_extend_event",
  "test_edit_attribute",
  "test_attribute",
  "test_first_last_seen",
  "test_toggle_global_pythonify",
  "test_describe_types",
  "test_direct",
  // objects
  "test_update_object",
  "test_unknown_template",
  "test_domain_ip_object",
  "test_asn_object",
  "test_csv_loader",
  // sightings, tags, taxonomies
  "test_sightings",
  "test_tags",
  "test_taxonomies",
  // users, organisations, roles
  "test_user",
  "test_organisation",
  "test_org_search",
  "test_user_search",
  "test_roles",
  "test_roles_expanded",
] as const;

/** In-scope methods that still fail, with the reason (docs/compatibility.md lists them too). */
export const KNOWN_FAILURES: Partial<Record<(typeof IN_SCOPE)[number], string>> = {
  test_search_publish_timestamp: 'a time Halflife cannot read ("5x") is refused with 400 naming the field; MISP answers []',
  test_search_csv: "includeContext (the event_* columns) is not in Halflife's CSV yet",
  test_simple_event: "needs server settings, warninglists, malware-sample attachments and contact_event_reporter, which Halflife does not have",
  test_attribute: "needs attribute proposals (Halflife has none), and the duplicate-attribute refusal is not done yet",
  test_tags: "needs tags restricted to an organisation or user (tags/add, built on branch input) and non-exportable tags hidden in events/add and events/view (not done yet)",
  test_taxonomies: "taxonomies/addTag (enable_taxonomy_tags) and taxonomies/toggleRequired are not done yet",
  test_roles_expanded: "needs event delegation (eventDelegations/*) and server settings (servers/serverSettingsEdit), which Halflife does not have yet",
};

const python = findVenvPython();
const available = python.python !== null;
if (!available && !pymispRequired()) {
  console.warn(`!! PyMISP's live suite SKIPPED: ${"reason" in python ? python.reason : ""}; CI sets HALFLIFE_REQUIRE_PYMISP=1 and fails instead.`);
}

describe.skipIf(!available && !pymispRequired())("PyMISP 2.5.34's live test suite against halflife serve", () => {
  let server: LiveServer | undefined;
  let results: SuiteResults = {};

  beforeAll(async () => {
    if (python.python === null) throw new Error(`HALFLIFE_REQUIRE_PYMISP is set but ${python.reason}`);
    server = await startLiveServer();
    const suite = prepareSuite(python.python, server.url);
    try {
      results = await runSuiteMethods(python.python, suite.dir, IN_SCOPE);
    } finally {
      suite.cleanup();
    }
  }, 20 * 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("sets up its organisations and users through MISP's administration API", () => {
    expect(results.setUpClass?.reason ?? "", "setUpClass").toBe("");
  });

  for (const method of IN_SCOPE) {
    const known = KNOWN_FAILURES[method];
    it(known ? `${method} still fails, for a known reason: ${known}` : `${method} passes`, () => {
      const result = results[method];
      expect(result, `${method} did not run`).toBeDefined();
      if (known) {
        expect(result!.outcome, `${method} now passes: remove it from KNOWN_FAILURES and docs/compatibility.md`).not.toBe("passed");
      } else {
        expect(result!.outcome, `${method}: ${result!.reason}`).toBe("passed");
      }
    });
  }
});
