package rpm

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	rpmdb "github.com/anchore/go-rpmdb/pkg"
	_ "github.com/glebarez/go-sqlite" // the SQLite driver go-rpmdb's sqlite3 backend expects
)

// TestAgainstGoRpmdb compares every package this package decodes with what github.com/anchore/go-rpmdb
// (used here as a test oracle only; see the package comment) reads from the same real databases, one per
// format: field by field, including every file path and mode.
func TestAgainstGoRpmdb(t *testing.T) {
	for _, name := range []string{"centos7-devtools/Packages.gz", "rockylinux9/rpmdb.sqlite.gz", "sle15-bci/Packages.db", "libuuid/Packages"} {
		t.Run(name, func(t *testing.T) {
			b := readFixture(t, name)
			file := filepath.Join(t.TempDir(), "Packages")
			if err := os.WriteFile(file, b, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := rpmdb.Open(file)
			if err != nil {
				t.Fatalf("oracle: opening: %v", err)
			}
			defer db.Close()
			want, err := db.ListPackages()
			if err != nil {
				t.Fatalf("oracle: listing: %v", err)
			}
			got, err := Parse(context.Background(), b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d packages, oracle %d", len(got), len(want))
			}
			for i, w := range want {
				g := got[i]
				if g.Name != w.Name || g.Version != w.Version || g.Release != w.Release || g.Arch != w.Arch ||
					g.SourceRPM != w.SourceRpm || g.Size != int64(w.Size) {
					t.Errorf("package %d: got %s %s-%s %s %s %d; oracle %s %s-%s %s %s %d", i,
						g.Name, g.Version, g.Release, g.Arch, g.SourceRPM, g.Size,
						w.Name, w.Version, w.Release, w.Arch, w.SourceRpm, w.Size)
					continue
				}
				if (g.Epoch == nil) != (w.Epoch == nil) || (g.Epoch != nil && int(*g.Epoch) != *w.Epoch) {
					t.Errorf("%s: epoch %v, oracle %v", g.Name, g.Epoch, w.Epoch)
				}
				if !slices.Equal(g.Requires, w.Requires) || !slices.Equal(g.Provides, w.Provides) {
					t.Errorf("%s: requires/provides differ from the oracle", g.Name)
				}
				files, err := w.InstalledFiles()
				if err != nil {
					t.Fatalf("oracle: files of %s: %v", w.Name, err)
				}
				if len(files) != len(g.Files) {
					t.Errorf("%s: %d files, oracle %d", g.Name, len(g.Files), len(files))
					continue
				}
				for j, f := range files {
					if f.Path != g.Files[j].Path || f.Mode != g.Files[j].Mode || uint32(f.Flags) != g.Files[j].Flags {
						t.Errorf("%s file %d: got %s %o %#x, oracle %s %o %#x", g.Name, j, g.Files[j].Path, g.Files[j].Mode, g.Files[j].Flags, f.Path, f.Mode, f.Flags)
						break
					}
				}
			}
		})
	}
}
