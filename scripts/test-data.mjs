#!/usr/bin/env node
// `npm run test-data`: fetches the real MISP data that some tests read (taxonomies, decaying
// models, events, the type table) at the pinned versions in scripts/test-data.json, into a cache
// folder that the tests find (.cache/test-data). It is MISP's data, not ours: it stays out of the
// repository. Each set is checked against the content digest in the manifest, so a wrong version,
// a changed upstream or a broken mirror is refused rather than tested against.
//
//   npm run test-data                                   # from the public repositories
//   HALFLIFE_TEST_DATA_SOURCE=https://mirror.example npm run test-data
//   node scripts/test-data.mjs --source URL --into DIR  # the same, spelled as flags
//
// A source serves GitHub's archive layout: SOURCE/OWNER/REPO/archive/REF.tar.gz. Needs `tar`.
/* global fetch */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("test-data.json", import.meta.url), "utf8"));

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const source = (option("--source") ?? process.env.HALFLIFE_TEST_DATA_SOURCE ?? manifest.source).replace(/\/+$/, "");
const into = path.resolve(root, option("--into") ?? manifest.cache);
const STAMP = ".halflife-test-data.json";

/** Every file under dir, as sorted paths relative to it. */
export function listFiles(dir, prefix = "") {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, relative) : [relative];
    })
    .sort();
}

/** One digest for a set of files: their paths and contents, in order. */
export function digest(dir, files) {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) hash.update(`${file}\t${createHash("sha256").update(readFileSync(path.join(dir, file))).digest("hex")}\n`);
  return hash.digest("hex");
}

/** `*` stands for one path segment. */
function matcher(pattern) {
  return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]+")}$`);
}

function run(command, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}

async function fetchSet(set, staging) {
  const url = `${source}/${set.repository}/archive/${set.ref}.tar.gz`;
  let response;
  try {
    response = await fetch(url, { redirect: "follow" });
  } catch (error) {
    throw new Error(`cannot reach ${url}: ${error.cause?.code ?? error.message}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const archive = Buffer.from(await response.arrayBuffer());
  const unpacked = path.join(staging, "archive");
  mkdirSync(unpacked, { recursive: true });
  await run("tar", ["-xzf", "-", "-C", unpacked, "--strip-components=1"], archive);

  const target = path.join(staging, "files");
  const available = listFiles(unpacked);
  const copied = [];
  for (const { from, to, under, optional } of set.files) {
    const pattern = matcher(from);
    const found = available.filter((file) => pattern.test(file));
    if (found.length === 0 && !optional) throw new Error(`${set.repository} at ${set.ref} has no ${from}`);
    for (const file of found) {
      // `to` renames one file (or, ending in "/", moves it into a folder); `under` keeps its path below a folder.
      const destination = to ? (to.endsWith("/") ? `${to}${path.posix.basename(file)}` : to) : `${under ?? ""}${file}`;
      mkdirSync(path.dirname(path.join(target, destination)), { recursive: true });
      copyFileSync(path.join(unpacked, file), path.join(target, destination));
      if (!optional) copied.push(destination);
    }
  }
  rmSync(unpacked, { recursive: true, force: true });
  const actual = digest(target, copied);
  if (actual !== set.sha256) {
    throw new Error(`${set.repository} at ${set.ref} from ${source} is not the pinned content (digest ${actual.slice(0, 12)}…, expected ${set.sha256.slice(0, 12)}…); refusing it`);
  }
  return copied.length;
}

async function main() {
  const stampFile = path.join(into, STAMP);
  const done = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : {};
  mkdirSync(into, { recursive: true });
  for (const set of manifest.sets) {
    const key = `${set.repository}@${set.ref}`;
    if (done[set.name] === key) {
      process.stdout.write(`test data: ${set.name} is current (${key})\n`);
      continue;
    }
    const staging = path.join(into, `.staging-${process.pid}-${set.name}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      const count = await fetchSet(set, staging);
      // Verified: each top-level entry the set makes replaces the one already there.
      for (const entry of readdirSync(path.join(staging, "files"))) {
        rmSync(path.join(into, entry), { recursive: true, force: true });
        renameSync(path.join(staging, "files", entry), path.join(into, entry));
      }
      done[set.name] = key;
      writeFileSync(stampFile, `${JSON.stringify(done, null, 2)}\n`);
      process.stdout.write(`test data: ${set.name} <- ${key} (${count} files)\n`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  process.stdout.write(`test data: ready in ${path.relative(process.cwd(), into) || "."}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`test-data: ${error.message}\n`);
    process.exit(1);
  });
}
