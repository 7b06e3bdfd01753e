package rpm

import (
	"context"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"centos7-devtools/Packages.gz", "rockylinux9/rpmdb.sqlite.gz", "sle15-bci/Packages.db"} {
		db := readFixture(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(db)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(context.Background(), db); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
