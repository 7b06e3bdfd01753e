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
package node
