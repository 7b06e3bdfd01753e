// Package demo embeds the image behind `slimcheck demo`: a deterministic
// re-creation of an OpenShift s2i Node.js build whose runtime image still
// carries the compilers, package caches, dev dependencies and docs of the
// build. Image opens the committed artifact; the generator that makes it
// lives in internal/demo/gen, so the binary does not link the generator's
// SQLite writer.
package demo
