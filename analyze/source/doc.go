// Package source turns what a user types into a go-containerregistry
// v1.Image: a registry reference ("nginx:1.27", "ghcr.io/o/a@sha256:…"),
// "docker-archive:PATH[:TAG]", "oci:DIR[:NAME|@DIGEST]" (a layout directory
// or a layout packed in a tar), "docker:REF"/"podman:REF" (a local daemon),
// or a bare path, detected as stereoscope does.
//
// Everything converges on v1.Image early; callers never see which adapter
// (remote, tarball, layout, daemon) produced it. Errors are one line, name
// the reference, and wrap sentinels (ErrNotFound, ErrUnauthorized,
// ErrNetwork, ErrNoDaemon, ErrUnknownScheme, ErrNotImage, ErrDigestMismatch)
// or typed errors (*PlatformError, *AmbiguousError) that Hint turns into
// advice.
//
// Inputs are hostile: registry, OCI layout and OCI archive blobs are
// checked against their digests as they are read; layout files must be
// regular files reached without symbolic links, and manifests and configs
// are size-capped before they are read (docs/reliability.md).
package source
