import { describe, expect, it } from "vitest";
import { MAX_ROWS, parsePaging } from "../../src/misp/paging.js";

describe("limit and page", () => {
  it("read numbers and strings of digits, and count the rows skipped", () => {
    expect(parsePaging({ limit: "50", page: 3 })).toEqual({ limit: 50, page: 3, offset: 100 });
    expect(parsePaging({})).toEqual({ page: 1, offset: 0 });
    expect(parsePaging({ page: "" }, { defaultLimit: 100 })).toEqual({ limit: 100, page: 1, offset: 0 });
  });

  it("refuse what is not a whole number from 1, naming the parameter", () => {
    for (const [params, field] of [
      [{ limit: 0 }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ limit: 1.5 }, "limit"],
      [{ limit: 10, page: -1 }, "page"],
      [{ limit: MAX_ROWS + 1 }, "limit"],
      [{ limit: "9223372036854775808" }, "limit"],
    ] as const) {
      expect(() => parsePaging(params), JSON.stringify(params)).toThrow(new RegExp(`^${field} `));
    }
  });

  it("refuse a page that skips past the largest listing, whatever the product's size", () => {
    expect(parsePaging({ limit: MAX_ROWS, page: 2 }).offset).toBe(MAX_ROWS);
    expect(() => parsePaging({ limit: MAX_ROWS, page: 3 })).toThrow(/^page /);
    expect(() => parsePaging({ limit: 2 ** 30, page: 2 ** 30 })).toThrow(/^page /);
  });
});
