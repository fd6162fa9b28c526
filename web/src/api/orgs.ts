/** Organisation names, for showing who owns what. Users who may not list organisations see ids. */
import { get } from "./client.js";

export async function orgNames(): Promise<Map<string, string>> {
  try {
    const orgs = await get<Array<{ id: string | number; name: string }>>("/halflife/orgs");
    return new Map(orgs.map((o) => [String(o.id), o.name]));
  } catch {
    return new Map();
  }
}
