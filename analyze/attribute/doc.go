// Package attribute gives every byte of every layer of an image exactly one
// category (report.Category) with its evidence: the OS package that owns
// the file, the lockfile that classified the dependency holding it, or the
// path rule that placed it. Categories therefore sum exactly to each
// layer's size and to the image's.
//
// Precedence, for each entry of each layer:
//
//  1. wasted: the entry is not visible in the final filesystem (overwritten,
//     deleted, or written twice in one layer), unless a visible hard link in
//     its layer keeps its bytes alive; then it is categorised as that link.
//     Whiteout and opaque markers are never wasted (they hold no bytes);
//     their paths go through the path rules.
//  2. For a file an OS package owns (any database in the final filesystem:
//     dpkg, apk, rpm): the package's role (DefaultRoles: compilers,
//     binutils, make, -dev/-devel/-headers/-static, git → build-toolchain;
//     the runtime packages of the detected ecosystem only — nodejs, python3,
//     java-*-openjdk-headless, ruby, php*, dotnet-runtime — → runtime;
//     *-doc, man-db → docs; anything that only build tools need,
//     transitively, → build-toolchain; anything only the runtime needs →
//     runtime; the rest → os-base), unless a rule marked Owned (docs, man,
//     locales, changelogs, headers, static libraries, pkg-config, node-gyp)
//     matches with a category earlier in the order below: then that rule.
//  3. For any other entry: among the matching path rules (DefaultRules, the
//     rules built for this image — caches under every home directory and
//     under cache variables of ENV, the application directory and its .git,
//     virtualenvs, the entrypoint's file — and Options.Rules) and the
//     lockfile classification (dev-only dependencies → dev-dependencies,
//     production ones → app), the earliest category wins:
//     build-toolchain, package-cache, dev-dependencies, docs, temp, app,
//     runtime, os-base. Ties go to the lockfile, then to the rule listed
//     first. Nothing matching means os-base (rule "unmatched").
//
// Evidence is deduplicated into Result.Table; Result.Evidence indexes it
// per entry. Unusable evidence — a corrupt or truncated database, a
// lockfile that does not parse, a database listing files the image lacks —
// becomes one line in Result.Problems and attribution carries on with the
// path rules. See docs/attribution.md for the rule and role tables.
//
// CapturePath and CapturePrefix are asked about every file of every layer
// during the walk, so they turn a path down after a look at its base name,
// without allocating. Attribution matches each path against the rules
// with a trie, keeping the states reached at each directory of the
// previous path (entries come in tree order), so a path mostly costs its
// last component.
package attribute
