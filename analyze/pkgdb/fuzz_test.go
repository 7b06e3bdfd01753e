package pkgdb

import (
	"context"
	"strings"
	"testing"
)

// rpmPaths are the places FuzzParse stores its rpm database at, chosen by a fuzzed byte.
var rpmPaths = [...]string{"/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db", "/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"}

// FuzzParse drives the dispatcher with every kind of database at once. The seeds in
// testdata/fuzz/FuzzParse are small pieces of the real fixtures.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Package: adduser\nStatus: install ok installed\nInstalled-Size: 849\nDepends: passwd\n\nPackage: passwd\n"),
		[]byte("/.\n/usr\n/usr/sbin/adduser\n"), []byte("Package: libc6\nArchitecture: amd64\n"), []byte("ab  lib/libc.so.6\n"),
		[]byte("P:musl\nV:1\nI:10\np:so:libc.musl-x86_64.so.1\nR:lib/ld-musl.so.1\n\nP:b\nD:so:libc.musl-x86_64.so.1\n"), uint8(0), []byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, status, list, statusD, md5sums, installed []byte, rpmSel uint8, rpmDB []byte) {
		files := map[string][]byte{
			"/var/lib/dpkg/status":                 status,
			"/var/lib/dpkg/info/adduser.list":      list,
			"/var/lib/dpkg/status.d/libc6":         statusD,
			"/var/lib/dpkg/status.d/libc6.md5sums": md5sums,
			"/lib/apk/db/installed":                installed,
			rpmPaths[int(rpmSel)%len(rpmPaths)]:    rpmDB,
			"/var/lib/dpkg/info/libc6:amd64.list":  list,
		}
		dbs, probs := Parse(context.Background(), files)
		for _, db := range dbs {
			checkPackages(t, db)
		}
		for _, p := range probs {
			if p.Path == "" || p.Err == nil || strings.Contains(p.Error(), "\n") {
				t.Fatalf("bad problem %q", p.Error())
			}
			if strings.Contains(p.Error(), "internal error") {
				t.Fatalf("a parser panicked: %v", p)
			}
		}
	})
}
