package apk

import (
	"path"
	"strings"
	"testing"
)

func FuzzApkInstalled(f *testing.F) {
	f.Add([]byte("P:a\nV:1\nI:3\nD:b>=1 !c so:x\np:cmd:a=1\nF:usr/bin\nR:a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := ParseInstalled(b)
		for _, p := range pkgs {
			if p.Name == "" || p.InstalledSize < 0 {
				t.Fatalf("bad package %+v", p)
			}
			for _, f := range append(p.Files, p.Dirs...) {
				if !strings.HasPrefix(f, "/") || path.Clean(f) != f {
					t.Fatalf("path %q is not absolute and clean", f)
				}
			}
			for _, d := range append(p.Depends, p.Provides...) {
				if d == "" || strings.ContainsAny(d, "<>=~ ") || strings.HasPrefix(d, "!") {
					t.Fatalf("dependency name %q not cleaned", d)
				}
			}
		}
	})
}
