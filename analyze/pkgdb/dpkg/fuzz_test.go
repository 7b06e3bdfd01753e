package dpkg

import (
	"path"
	"strings"
	"testing"
)

func FuzzDpkgStatus(f *testing.F) {
	f.Add([]byte("Package: a\nStatus: hold ok installed\nInstalled-Size: 12\nDepends: b (>= 1) | c, d:any\n"))
	f.Add([]byte("Package: a\nStatus: inst"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := ParseStatus(b)
		for _, p := range pkgs {
			if p.Name == "" || p.InstalledSizeKiB < 0 {
				t.Fatalf("bad package %+v", p)
			}
			if p.Status != "" {
				if _, state, ok := splitStatus(p.Status); !ok || !knownState(state) {
					t.Fatalf("invalid Status %q kept", p.Status)
				}
			}
			for _, d := range append(p.Depends, p.Provides...) {
				if d == "" || strings.IndexFunc(d, func(r rune) bool { return !isNameChar(r) }) >= 0 {
					t.Fatalf("relation name %q not cleaned", d)
				}
			}
			_ = p.Installed()
		}
	})
}

func FuzzDpkgFileLists(f *testing.F) {
	f.Add([]byte("/.\n/usr\n/usr/bin/x\n"))
	f.Add([]byte("0123abcd  usr/bin/x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lists, _ := ParseFileList(b)
		sums, _ := ParseMD5Sums(b)
		for _, p := range append(lists, sums...) {
			if p == "/" || !strings.HasPrefix(p, "/") || path.Clean(p) != p || strings.IndexByte(p, 0) >= 0 {
				t.Fatalf("path %q is not absolute, clean and below /", p)
			}
		}
	})
}
