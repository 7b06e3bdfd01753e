// Package pnp reads the runtime state of Yarn's Plug'n'Play installs (Yarn
// 2 and later with nodeLinker: pnp): the map from every package instance to
// where its files are and what it depends on.
//
// A PnP install writes no node_modules. Packages stay zip archives in a
// cache (the project's .yarn/cache, or Yarn 4's global cache under
// ~/.yarn/berry/cache), packages with build scripts are unpacked into
// .yarn/unplugged, and a generated .pnp.cjs (Yarn 2: .pnp.js) in the
// project root maps every package to its location. The state is embedded in
// that script, in one of the forms Yarn has written over time:
//
//   - Yarn 4: `const RAW_RUNTIME_STATE =` followed by a JavaScript string
//     literal holding the JSON (single-quoted, lines joined by
//     backslash-newline continuations);
//   - Yarn 3: `hydrateRuntimeState(JSON.parse('…'), …)`, the same literal
//     inline;
//   - Yarn 2: `hydrateRuntimeState({…}, …)`, a JavaScript object literal
//     (JSON with trailing commas);
//   - with pnpEnableInlining: false, the plain JSON in .pnp.data.json next to
//     the script, which then holds no state (ErrNoInlineState).
//
// Parse reads any of them; Resolve and ZipPath turn a packageLocation into
// the absolute image path holding the package's bytes, resolving Yarn's
// virtual paths (__virtual__, Yarn 2's $$virtual) the way its VirtualFS
// does. ScanLocations pulls packageLocation strings out of a map too damaged
// (or too truncated) to parse, for callers that must then stay on the safe
// side.
package pnp
