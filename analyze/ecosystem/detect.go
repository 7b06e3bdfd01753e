package ecosystem

import (
	"context"
	"path"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/report"
)

// Ecosystem names, as report.Ecosystem.Name carries them.
const (
	Node   = "node"
	Python = "python"
	Java   = "java"
	Go     = "go"
	Ruby   = "ruby"
	PHP    = "php"
	DotNet = "dotnet"
	Static = "static"
)

// Package is an installed OS package, as detection needs it.
type Package struct {
	Name    string // binary package name
	Version string // as the manager writes it
	Manager string // dpkg, apk, rpm
}

// Options tunes Detect.
type Options struct {
	// AppDir, when set, is the application directory; detection then only
	// checks that it exists.
	AppDir string
	// Owned, when set, reports whether an OS package owns the file at a
	// path; such files are the operating system's, so they are not listed
	// as the application's native addons.
	Owned func(path string) bool
}

// Result is what detection learned about an image.
type Result struct {
	Ecosystem report.Ecosystem  // what the report shows
	OS        OSRelease         // from /etc/os-release or /usr/lib/os-release
	ImageLibc string            // the image's C library: glibc, musl or unknown
	Env       map[string]string // the config's environment
	Homes     []string          // home directories: ENV HOME, every passwd home, /root and /; sorted
	Users     []User            // accounts from /etc/passwd
	Venvs     []string          // Python virtualenv roots (directories holding pyvenv.cfg); sorted
	EntryFile string            // the file the entrypoint runs (binary, script, jar), resolved; "" if none found
	Problems  []report.Problem  // evidence that could not be used
}

// Detect inspects ix (and the OS packages found in it) and returns what the
// image runs. It never fails: missing or unreadable evidence leaves fields
// empty and, when it was present but unusable, adds a Problem.
func Detect(ctx context.Context, ix *analyze.Index, pkgs []Package, opts Options) Result {
	d := &detector{v: view{ix}, ix: ix, pkgs: pkgs}
	d.res.Env = map[string]string{}
	if ix.Config != nil {
		d.cfg = ix.Config.Config
	}
	for _, kv := range d.cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" {
			d.res.Env[k] = v
		}
	}
	d.readOS()
	d.readUsers()
	d.findVenvs()
	if ctx.Err() != nil {
		d.problem("/", "ecosystem detection stopped: "+ctx.Err().Error(), -1)
		return d.res
	}
	d.entrypoint()
	d.appDir(opts.AppDir)
	d.ecosystem()
	d.imageLibc()
	d.addons(ctx, opts.Owned)
	d.libc()
	d.user()
	sort.Slice(d.res.Problems, func(i, j int) bool { return d.res.Problems[i].Path < d.res.Problems[j].Path })
	return d.res
}

// detector carries the state of one Detect call.
type detector struct {
	v    view
	ix   *analyze.Index
	cfg  v1.Config
	pkgs []Package
	res  Result

	entry entryInfo
}

func (d *detector) problem(p, reason string, layer int) {
	d.res.Problems = append(d.res.Problems, report.Problem{Path: p, Layer: layer, Reason: reason})
}

func (d *detector) evidence(s string) {
	d.res.Ecosystem.Evidence = append(d.res.Ecosystem.Evidence, s)
}

// layerOf returns the layer holding the file visible at p, or -1.
func (d *detector) layerOf(p string) int {
	if r, ok := d.ix.Lookup(p); ok {
		return int(r.Layer)
	}
	return -1
}

func (d *detector) readOS() {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if b, ok := d.v.captured(p); ok {
			d.res.OS = ParseOSRelease(b)
			if d.res.OS.PrettyName != "" {
				d.evidence("os: " + d.res.OS.PrettyName + " (" + p + ")")
			}
			return
		}
	}
	if b, ok := d.v.captured("/etc/alpine-release"); ok {
		d.res.OS = OSRelease{ID: "alpine", VersionID: strings.TrimSpace(string(b))}
		d.evidence("os: alpine " + d.res.OS.VersionID + " (/etc/alpine-release)")
	}
}

func (d *detector) readUsers() {
	homes := map[string]bool{"/root": true, "/": true}
	if h := d.res.Env["HOME"]; strings.HasPrefix(h, "/") {
		homes[path.Clean(h)] = true
	}
	if b, ok := d.v.captured("/etc/passwd"); ok {
		users, bad := ParsePasswd(b)
		d.res.Users = users
		if bad > 0 {
			d.problem("/etc/passwd", pluralize(bad, "malformed line")+" skipped", d.layerOf("/etc/passwd"))
		}
		for _, u := range users {
			if strings.HasPrefix(u.Home, "/") {
				homes[path.Clean(u.Home)] = true
			}
		}
	}
	for h := range homes {
		d.res.Homes = append(d.res.Homes, h)
	}
	sort.Strings(d.res.Homes)
}

func (d *detector) findVenvs() {
	for _, l := range d.ix.Layers {
		for p := range l.Captured {
			if path.Base(p) != "pyvenv.cfg" {
				continue
			}
			if _, ok := d.ix.Lookup(p); ok {
				d.res.Venvs = append(d.res.Venvs, path.Dir(p))
			}
		}
	}
	sort.Strings(d.res.Venvs)
	d.res.Venvs = compactStrings(d.res.Venvs)
}

func (d *detector) user() {
	d.res.Ecosystem.User = d.cfg.User
	if d.cfg.User == "" {
		d.evidence("user: none set, so the container runs as root")
	}
}

func compactStrings(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

func pluralize(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
