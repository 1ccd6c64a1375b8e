#!/usr/bin/env node
// Runs dependency-cruiser (the import rules in .dependency-cruiser.cjs) with the arguments given.
//
// dependency-cruiser 17 reads TypeScript through TypeScript's compiler API, which TypeScript 7
// (our compiler, ADR 005) no longer ships. TypeScript 6, the last release with that API, is
// installed as `typescript-api` (an npm alias) and handed to dependency-cruiser, and to it alone,
// where it asks for `typescript`: through Node's CommonJS resolver (its version check) and through
// a module hook (its import). Without this it would find TypeScript 7, skip every .ts file and
// report no violations at all.
import Module, { createRequire, register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const typescriptDir = path.dirname(require.resolve("typescript-api/package.json"));
const typescriptMain = require.resolve("typescript-api");
const cruiser = `${path.sep}node_modules${path.sep}dependency-cruiser${path.sep}`;

/** The TypeScript 6 file to load instead, or undefined for anything but `typescript[/…]`. */
function typescript6(request) {
  if (request === "typescript") return typescriptMain;
  if (request.startsWith("typescript/")) return path.join(typescriptDir, request.slice("typescript/".length));
  return undefined;
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const replacement = parent?.filename?.includes(cruiser) ? typescript6(request) : undefined;
  return resolveFilename.call(this, replacement ?? request, parent, ...rest);
};

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === "typescript" && context.parentURL?.includes("/node_modules/dependency-cruiser/"))
    return next(${JSON.stringify(pathToFileURL(typescriptMain).href)}, context);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

// Its command line, which the package doesn't export: found beside its main module.
const main = fileURLToPath(import.meta.resolve("dependency-cruiser"));
const cli = path.join(
  main.slice(0, main.lastIndexOf(cruiser) + cruiser.length),
  "bin",
  "dependency-cruise.mjs",
);
await import(pathToFileURL(cli).href);
