package analyze

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestCapture(t *testing.T) {
	limits := map[string]int64{
		"/etc/os-release": 100,
		"/big":            10,
		"/exact":          10,
		"/etc/gone":       100,
		"/etc/conf":       100,
		"/etc/link":       100,
		"/etc/kept":       100,
	}
	capture := func(p string) (int64, bool) { l, ok := limits[p]; return l, ok }
	layers := [][]spec{
		{
			dir("etc"), text("etc/os-release", "ID=one\n"), file("big", 50), file("exact", 10),
			text("etc/gone", "bye"), text("etc/kept", "kept"), file("uncaptured", 5),
		},
		{
			dir("etc"), text("etc/os-release", "ID=two\n"), wh("etc/gone"),
			text("etc/conf", "small"), file("etc/conf", 500), // a later, oversized copy shadows the captured one
			text("etc/link", "data"), symlink("etc/link", "os-release"), // so does a symlink
		},
	}
	ix := walkSpec(t, Options{Capture: capture}, layers...)
	checkInvariants(t, ix)

	if b, li, ok := ix.Captured("/etc/os-release"); !ok || string(b) != "ID=two\n" || li != 1 {
		t.Errorf("Captured(/etc/os-release) = %q, %d, %v; want the layer-1 copy", b, li, ok)
	}
	if got := string(ix.Layers[0].Captured["/etc/os-release"]); got != "ID=one\n" {
		t.Errorf("layer 0 copy %q, want %q", got, "ID=one\n")
	}
	if b, _, ok := ix.Captured("/exact"); !ok || len(b) != 10 {
		t.Errorf("a file exactly at its cap: %d bytes, %v; want captured", len(b), ok)
	}
	if b, _, ok := ix.Captured("/big"); ok {
		t.Errorf("a file over its cap was captured (%d bytes)", len(b))
	}
	if !slices.Equal(ix.Layers[0].Oversized, []string{"/big"}) {
		t.Errorf("layer 0 oversized %q, want [/big]", ix.Layers[0].Oversized)
	}
	if !slices.Equal(ix.Layers[1].Oversized, []string{"/etc/conf"}) {
		t.Errorf("layer 1 oversized %q, want [/etc/conf]", ix.Layers[1].Oversized)
	}
	for _, p := range []string{"/etc/gone", "/etc/conf", "/etc/link", "/uncaptured", "/nowhere"} {
		if b, li, ok := ix.Captured(p); ok {
			t.Errorf("Captured(%s) = %q from layer %d; want nothing", p, b, li)
		}
	}
	want := map[string]string{"/etc/os-release": "ID=two\n", "/exact": strings.Repeat("\x00", 10), "/etc/kept": "kept"}
	got := map[string]string{}
	for p, b := range ix.CapturedFiles() {
		got[p] = string(b)
	}
	if !maps.Equal(got, want) {
		t.Errorf("CapturedFiles() = %q, want %q", got, want)
	}

	// Capturing must not change what is indexed: same hashes, same merge.
	plain := walkSpec(t, Options{}, layers...)
	if !slices.Equal(dumpEntries(plain), dumpEntries(ix)) {
		t.Errorf("capture changed the merge:\n%q\n%q", dumpEntries(plain), dumpEntries(ix))
	}
	for li := range ix.Layers {
		for ei, e := range ix.Layers[li].Entries {
			if pe := plain.Layers[li].Entries[ei]; pe.Hash != e.Hash {
				t.Errorf("layer %d %s: hash %x with capture, %x without", li, e.Path, e.Hash, pe.Hash)
			}
		}
	}
}

func TestCapturePrefix(t *testing.T) {
	elf := "\x7fELF" + strings.Repeat("x", 60)
	prefix := func(p string) (int64, bool) { return 16, strings.HasPrefix(p, "/bin/") }
	layers := [][]spec{
		{dir("bin"), text("bin/tool", elf), text("bin/tiny", "ab"), text("bin/gone", elf), text("etc", elf)},
		{dir("bin"), text("bin/tiny", "abc"), dir("bin/gone")},
	}
	ix := walkSpec(t, Options{CapturePrefix: prefix}, layers...)
	checkInvariants(t, ix)
	want0 := map[string]string{"/bin/tool": elf[:16], "/bin/tiny": "ab", "/bin/gone": elf[:16]}
	want1 := map[string]string{"/bin/tiny": "abc"}
	for li, want := range []map[string]string{want0, want1} {
		got := map[string]string{}
		for p, b := range ix.Layers[li].Prefixes {
			got[p] = string(b)
		}
		if !maps.Equal(got, want) {
			t.Errorf("layer %d prefixes %q, want %q", li, got, want)
		}
	}
	plain := walkSpec(t, Options{}, layers...)
	for li := range ix.Layers {
		for ei, e := range ix.Layers[li].Entries {
			if pe := plain.Layers[li].Entries[ei]; pe.Hash != e.Hash {
				t.Errorf("layer %d %s: hash %x with prefix capture, %x without", li, e.Path, e.Hash, pe.Hash)
			}
		}
	}
	// A later entry of the same path in the same layer drops the kept prefix.
	ix = walkSpec(t, Options{CapturePrefix: prefix}, []spec{dir("bin"), text("bin/x", elf), symlink("bin/x", "tool")})
	if b, ok := ix.Layers[0].Prefixes["/bin/x"]; ok {
		t.Errorf("prefix of a shadowed copy kept: %q", b)
	}
}

// TestCaptureShadowedBothWays: a path both predicates ask for keeps, of
// its last copy in a layer, exactly what that copy would keep alone, and is
// listed as oversized once, only if that copy is.
func TestCaptureShadowedBothWays(t *testing.T) {
	capture := func(p string) (int64, bool) { return 10, p == "/bin/dual" }
	prefix := func(p string) (int64, bool) { return 4, p == "/bin/dual" }
	long := strings.Repeat("y", 50)
	for _, c := range []struct {
		name          string
		layer         []spec
		captured, pre string // "" for none
		oversized     bool
	}{
		{"large then small", []spec{dir("bin"), text("bin/dual", long), text("bin/dual", "small")}, "small", "", false},
		{"small then large", []spec{dir("bin"), text("bin/dual", "small"), text("bin/dual", long)}, "", "yyyy", true},
		{"small then dir", []spec{dir("bin"), text("bin/dual", "small"), dir("bin/dual")}, "", "", false},
		{"large then symlink", []spec{dir("bin"), text("bin/dual", long), symlink("bin/dual", "x")}, "", "", false},
		{"large twice", []spec{dir("bin"), text("bin/dual", long), text("bin/dual", long+"z")}, "", "yyyy", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ix := walkSpec(t, Options{Capture: capture, CapturePrefix: prefix}, c.layer)
			l := ix.Layers[0]
			if b, ok := l.Captured["/bin/dual"]; string(b) != c.captured || ok != (c.captured != "") {
				t.Errorf("captured %q (%v), want %q", b, ok, c.captured)
			}
			if b, ok := l.Prefixes["/bin/dual"]; string(b) != c.pre || ok != (c.pre != "") {
				t.Errorf("prefix %q (%v), want %q", b, ok, c.pre)
			}
			var want []string
			if c.oversized {
				want = []string{"/bin/dual"}
			}
			if !slices.Equal(l.Oversized, want) {
				t.Errorf("oversized %q, want %q (the last copy speaks for the path)", l.Oversized, want)
			}
		})
	}
}

// TestCondensePrefix: the walk keeps a copy of what the condenser returns
// (not the scratch buffer it reads prefixes into), and hashes whole files.
func TestCondensePrefix(t *testing.T) {
	prefix := func(p string) (int64, bool) { return 16, strings.HasPrefix(p, "/bin/") }
	condense := func(p string, b []byte) []byte {
		if p == "/bin/long" {
			return b[:3]
		}
		return b
	}
	layers := [][]spec{{dir("bin"), text("bin/long", "0123456789abcdefghij"), text("bin/short", "xy"), text("bin/other", "ABCDEFGHIJKLMNOPQRST")}}
	ix := walkSpec(t, Options{CapturePrefix: prefix, CondensePrefix: condense}, layers...)
	got := map[string]string{}
	for p, b := range ix.Layers[0].Prefixes {
		got[p] = string(b)
	}
	want := map[string]string{"/bin/long": "012", "/bin/short": "xy", "/bin/other": "ABCDEFGHIJKLMNOP"}
	if !maps.Equal(got, want) {
		t.Errorf("prefixes %q, want %q", got, want)
	}
	plain := walkSpec(t, Options{}, layers...)
	for ei, e := range ix.Layers[0].Entries {
		if pe := plain.Layers[0].Entries[ei]; pe.Hash != e.Hash {
			t.Errorf("%s: hash %x with condensed prefixes, %x without", e.Path, e.Hash, pe.Hash)
		}
	}
}
