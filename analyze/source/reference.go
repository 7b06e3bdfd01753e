package source

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Kind names the kind of source an image came from.
type Kind string

// The source kinds.
const (
	KindRegistry      Kind = "registry"       // a registry reference, pulled with remote
	KindDockerArchive Kind = "docker-archive" // a `docker save` tarball
	KindOCI           Kind = "oci"            // an OCI image layout (directory or tar)
	KindDaemon        Kind = "docker"         // a local Docker or Podman daemon
)

// scheme describes one "scheme:" prefix.
type scheme struct {
	name string
	kind Kind
	// For path kinds: whether ":NAME" / "@DIGEST" selectors are allowed and
	// what the path must be.
	digest bool
	want   pathWant
}

type pathWant int

const (
	wantAny pathWant = iota
	wantFile
	wantDir
)

// schemes in the order Hint and errors list them.
var knownSchemes = [...]scheme{
	{name: "registry", kind: KindRegistry},
	{name: "docker", kind: KindDaemon},
	{name: "podman", kind: KindDaemon},
	{name: "docker-archive", kind: KindDockerArchive, want: wantFile},
	{name: "oci", kind: KindOCI, digest: true, want: wantAny},
	{name: "oci-archive", kind: KindOCI, digest: true, want: wantFile},
	{name: "oci-dir", kind: KindOCI, digest: true, want: wantDir},
}

func schemeList() []string {
	out := make([]string, len(knownSchemes))
	for i, s := range knownSchemes {
		out[i] = s.name + ":"
	}
	return out
}

func lookupScheme(s string) (scheme, bool) {
	for _, k := range knownSchemes {
		if strings.EqualFold(k.name, s) {
			return k, true
		}
	}
	return scheme{}, false
}

// target is one way to open a reference.
type target struct {
	kind   Kind
	scheme string // as typed ("" for a bare reference)
	// registry and daemon
	ref string
	// archives and layouts
	path   string
	isDir  bool
	tag    string
	digest v1.Hash
	// for a bare file: docker-archive first, then an OCI layout tar
	fallbackOCI bool
}

// statFunc is os.Stat; parseReference takes it so fuzzing needs no disk.
type statFunc func(string) (fs.FileInfo, error)

// parseReference turns what a user typed into the targets to try, in order.
// It follows stereoscope: a known "scheme:" wins; then an existing path
// (directory: OCI layout; file: docker-archive, else OCI layout tar); then a
// registry reference.
func parseReference(s string, stat statFunc, nameOpts ...name.Option) ([]target, error) {
	if s == "" {
		return nil, errors.New("empty image reference")
	}
	if i := strings.Index(s, ":"); i > 0 {
		if sc, ok := lookupScheme(s[:i]); ok {
			return parseScheme(sc, s[:i], s[i+1:], stat, nameOpts)
		}
	}
	if fi, err := stat(s); err == nil {
		return []target{pathTarget(s, fi, "", "", v1.Hash{})}, nil
	}
	// PATH:NAME or PATH@DIGEST for an existing layout or archive.
	var out []target
	if p, fi, tag, dg, ok := splitPathSelector(s, true, stat); ok {
		out = append(out, pathTarget(p, fi, "", tag, dg))
	}
	if i := strings.Index(s, ":"); i > 0 && isSchemeWord(s[:i]) && strings.HasPrefix(s[i+1:], "/") && len(out) == 0 {
		// "foo:/x" or "foo://x": a URL-like scheme, never a registry host
		// (a port is digits) nor a tag (tags have no "/").
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownScheme, s[:i], strings.Join(schemeList(), ", "))
	}
	ref, refErr := parseRef(s, nameOpts)
	if refErr == nil && !looksLikeArchiveName(s) {
		return append(out, target{kind: KindRegistry, ref: ref.Name()}), nil
	}
	if len(out) > 0 {
		return out, nil
	}
	if i := strings.Index(s, ":"); i > 0 && isSchemeWord(s[:i]) && !strings.HasPrefix(s[i+1:], `\`) {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownScheme, s[:i], strings.Join(schemeList(), ", "))
	}
	_, statErr := stat(s)
	if refErr == nil {
		refErr = errors.New("looks like an archive file name")
	}
	return nil, errors.Join(
		fmt.Errorf("locating path: %w", statErr),
		fmt.Errorf("parsing as a registry reference: %w", refErr))
}

func parseScheme(sc scheme, typed, rest string, stat statFunc, nameOpts []name.Option) ([]target, error) {
	if rest == "" {
		return nil, fmt.Errorf("%s: reference is empty after the scheme", typed)
	}
	switch sc.kind {
	case KindRegistry, KindDaemon:
		ref, err := parseRef(rest, nameOpts)
		if err != nil {
			return nil, fmt.Errorf("parsing %s reference: %w", typed, err)
		}
		return []target{{kind: sc.kind, scheme: sc.name, ref: ref.Name()}}, nil
	}
	p, tag, dg := rest, "", v1.Hash{}
	fi, err := stat(rest)
	if err != nil {
		p2, fi2, tag2, dg2, ok := splitPathSelector(rest, sc.digest, stat)
		if !ok {
			return nil, fmt.Errorf("locating %s path: %w", typed, err)
		}
		p, fi, tag, dg = p2, fi2, tag2, dg2
	}
	switch {
	case sc.want == wantFile && fi.IsDir():
		return nil, fmt.Errorf("%s %s is a directory, want an archive file: %w", typed, p, ErrNotImage)
	case sc.want == wantDir && !fi.IsDir():
		return nil, fmt.Errorf("%s %s is a file, want a layout directory: %w", typed, p, ErrNotImage)
	}
	if sc.kind == KindDockerArchive && tag != "" {
		if _, err := name.NewTag(tag); err != nil {
			return nil, fmt.Errorf("parsing docker-archive tag %q: %w", tag, err)
		}
	}
	t := target{kind: sc.kind, scheme: sc.name, path: p, isDir: fi.IsDir(), tag: tag, digest: dg}
	return []target{t}, nil
}

func pathTarget(p string, fi fs.FileInfo, sch, tag string, dg v1.Hash) target {
	if fi.IsDir() {
		return target{kind: KindOCI, scheme: sch, path: p, isDir: true, tag: tag, digest: dg}
	}
	return target{kind: KindDockerArchive, scheme: sch, path: p, tag: tag, digest: dg, fallbackOCI: true}
}

// splitPathSelector splits "PATH@DIGEST" or "PATH:NAME" where PATH exists,
// preferring the longest existing PATH (names may contain ':').
func splitPathSelector(s string, allowDigest bool, stat statFunc) (string, fs.FileInfo, string, v1.Hash, bool) {
	if i := strings.LastIndex(s, "@"); allowDigest && i > 0 {
		if h, err := v1.NewHash(s[i+1:]); err == nil {
			if fi, err := stat(s[:i]); err == nil {
				return s[:i], fi, "", h, true
			}
		}
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ':' || i == len(s)-1 {
			continue
		}
		if fi, err := stat(s[:i]); err == nil {
			return s[:i], fi, s[i+1:], v1.Hash{}, true
		}
	}
	return "", nil, "", v1.Hash{}, false
}

// parseRef parses a registry reference, refusing path-like strings that
// ggcr's parser lets through ("/abs/x" would become "index.docker.io//abs/x").
func parseRef(s string, opts []name.Option) (name.Reference, error) {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") ||
		strings.Contains(s, "//") || strings.Contains(s, `\`) {
		return nil, fmt.Errorf("%q looks like a path, not a registry reference", s)
	}
	ref, err := name.ParseReference(s, opts...)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(ref.Context().RegistryStr(), ":") {
		return nil, fmt.Errorf("registry %q has an empty port", ref.Context().RegistryStr())
	}
	return ref, nil
}

// isSchemeWord reports an RFC 3986 scheme-like word ("foo", "s3", "git+ssh").
func isSchemeWord(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// looksLikeArchiveName reports names that are surely files, not images
// ("app.tar" parses as a repository but nobody means that).
func looksLikeArchiveName(s string) bool {
	l := strings.ToLower(s)
	for _, suf := range []string{".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci"} {
		if strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}
