// Package slim builds the runtime image a recommendation plans — without a
// Docker daemon or a build tool — and proves it.
//
// Build opens the plan's runtime base (or another) through analyze/source,
// walks it once to learn its directories and symlinks, and stacks on it one
// new layer holding exactly the files the plan's copy set selects from the
// source image's final filesystem: modes, owners, symlinks and hardlinks as
// the source has them, parent directories the base lacks created 0755
// root:root, every entry stamped with one fixed time, in a fixed order.
// File contents are never extracted or held: each time the layer is read
// (to hash it, then to write it) the source layers that hold the selected
// files' final versions are streamed again and their entries are copied,
// tar to tar, into the new layer. The config is the base's with the plan's
// ENTRYPOINT, CMD, WORKDIR, ENV, EXPOSE, USER, labels, volumes, stop signal
// and health check on top, a history entry that says what slimcheck did and
// OCI annotations naming the base and the source. The same inputs give the
// same digest.
//
// Write puts the image in an OCI layout (oci:DIR[:TAG]), a docker save
// tarball (docker-archive:FILE[:REPO:TAG]) or a registry, and returns the
// reference to read it back by. Compare measures the written image against
// the plan's estimate and the original; package slim/check decides
// statically whether it can start.
package slim
