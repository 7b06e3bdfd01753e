package pkgdb

import (
	"context"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	inputs := map[string]map[string][]byte{
		"centos7 rpm":         {"/var/lib/rpm/Packages": readFixture(b, "rpmdb/centos7-devtools/Packages.gz")},
		"debian11 dpkg+lists": readTar(b, "dpkg/debian11-postgres15/dpkg-status-and-lists.tar"),
		"alpine3.3 apk":       {"/lib/apk/db/installed": readFixture(b, "apk/alpine3.3-node-buildtools/installed")},
	}
	for name, files := range inputs {
		var n int64
		for _, f := range files {
			n += int64(len(f))
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				if dbs, _ := Parse(context.Background(), files); len(dbs) != 1 {
					b.Fatal("no database")
				}
			}
		})
	}
}
