// Package node decides which packages installed under node_modules are
// needed only by devDependencies.
//
// Inputs are small files captured from an image's final filesystem view
// (see Capture): every package.json (the project's own and one per installed
// package, which is how an install directory becomes known), npm's
// package-lock.json, npm-shrinkwrap.json and hidden lockfile
// node_modules/.package-lock.json, yarn.lock (classic and berry), and
// pnpm-lock.yaml with pnpm's hidden node_modules/.pnpm/lock.yaml.
//
// For every project root (a directory holding package.json, outside any
// node_modules, with installed packages or a lockfile) one source is chosen
// in this order: npm's hidden lockfile, pnpm's hidden lockfile, then, when
// the tree has a .pnpm store, pnpm-lock.yaml first, else
// npm-shrinkwrap.json, package-lock.json, pnpm-lock.yaml, yarn.lock. A
// source that does not parse becomes a Problem and the next one is tried.
// The source gives an opinion per install directory; a directory it is
// silent about (not in the lockfile, or installed at another version than
// the lockfile says) is classified by walking the installed package.json
// files with Node's module resolution.
//
// That walk is also a safety net: a directory a lockfile calls dev-only but
// that Node's resolution reaches from a production dependency is kept as
// production (a stale lockfile must never make us delete runtime code).
// Likewise a package nested in the node_modules of a dev-only package is
// dev-only, because only that package can resolve it.
//
// npm's "devOptional" flag means the package is needed by the dev tree and
// also by an optional dependency of the production tree; `npm install
// --omit=dev` keeps it, so it is not dev-only.
//
// Yarn Plug'n'Play projects (a .pnp.cjs, .pnp.js or .pnp.data.json in the
// project root; see package pnp) install no node_modules: the map names,
// for every package instance, the zip in a cache (the project's
// .yarn/cache or Yarn 4's global ~/.yarn/berry/cache) or the unplugged
// directory holding it, and its resolved dependencies. Production is what
// the production declarations (dependencies, optionalDependencies,
// peerDependencies, and anything undeclared) of every workspace's
// package.json reach through the map; dev-only is what only their
// devDependencies reach; entries nothing reaches are extraneous. A
// workspace without a package.json in the image counts all its
// dependencies as production. Packages are reported by zip or unplugged
// directory, wherever they are on the image. A map that cannot be read
// (damaged, cut short at the capture limit) is a Problem, and every
// directory it still names, with the project's .yarn/cache and
// .yarn/unplugged, is kept as production.
package node
