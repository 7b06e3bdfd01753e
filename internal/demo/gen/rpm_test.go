package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"

	rpmdb "github.com/anchore/go-rpmdb/pkg"
)

// libuuidRPMDB is a one-package BerkeleyDB rpmdb (not gzipped).
const libuuidRPMDB = "../../../../shared/fixtures/rpmdb/libuuid/Packages"

func TestLoadRPMDB(t *testing.T) {
	pkgs, err := loadRPMDB(context.Background(), fixtureRPMDB)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 264 {
		t.Errorf("%d packages, want 264", len(pkgs))
	}
	var files, links, hardlinkGroups int
	for _, p := range pkgs {
		files += len(p.files)
		seen := map[int32]int{}
		for _, f := range p.files {
			if f.mode&modeTypeMask == modeSymlink && f.linkTo != "" {
				links++
			}
			if f.mode&modeTypeMask == modeRegular && f.inode != 0 {
				seen[f.inode]++
			}
		}
		for _, n := range seen {
			if n > 1 {
				hardlinkGroups++
			}
		}
	}
	if files != 55180 {
		t.Errorf("%d file entries, want 55180 (fixture README)", files)
	}
	if links == 0 || hardlinkGroups == 0 {
		t.Errorf("%d symlink targets and %d hard-link groups read from raw headers", links, hardlinkGroups)
	}

	t.Run("payloads are the real bytes", func(t *testing.T) {
		digests := map[string]string{}
		for _, p := range pkgs {
			for _, f := range p.files {
				digests[f.path] = f.digest
			}
		}
		for p, content := range rpmPayloads() {
			sum := sha256.Sum256(content)
			if got := hex.EncodeToString(sum[:]); got != digests[p] {
				t.Errorf("%s: sha256 %s, rpmdb says %q", p, got, digests[p])
			}
		}
	})

	t.Run("package selection", func(t *testing.T) {
		set, err := resolvePackages(pkgs)
		if err != nil {
			t.Fatal(err)
		}
		base, tc := packageNames(set.base), packageNames(set.toolchain)
		if base[0] != "setup" || base[1] != "filesystem" {
			t.Errorf("install order starts %q", base[:2])
		}
		for _, n := range toolchainRoots() {
			if !slices.Contains(tc, n) || slices.Contains(base, n) {
				t.Errorf("%s: in toolchain %v, in base %v", n, slices.Contains(tc, n), slices.Contains(base, n))
			}
		}
		for _, n := range []string{"binutils", "cpp", "glibc-devel", "glibc-headers", "libstdc++-devel"} {
			if !slices.Contains(tc, n) {
				t.Errorf("toolchain lacks dependency %s", n)
			}
		}
		for n := range excludedPackages() {
			if slices.Contains(base, n) || slices.Contains(tc, n) {
				t.Errorf("excluded %s was installed", n)
			}
		}
		if !slices.Contains(base, "yum") || !slices.Contains(base, "python-libs") {
			t.Error("base cannot run yum")
		}
		// Every owner name in the installed packages maps to an account the
		// image defines (setup's files plus the scriptlets of installed packages).
		installed := append(append([]string(nil), base...), tc...)
		passwd, group := accountFiles(installed)
		for _, p := range append(append([]*rpmPackage(nil), set.base...), set.toolchain...) {
			for _, f := range p.files {
				if !bytes.Contains(passwd, []byte("\n"+f.user+":")) && !bytes.HasPrefix(passwd, []byte(f.user+":")) {
					t.Errorf("%s: %s owned by unknown user %q", p.info.Name, f.path, f.user)
				}
				if !bytes.Contains(group, []byte("\n"+f.group+":")) && !bytes.HasPrefix(group, []byte(f.group+":")) {
					t.Errorf("%s: %s owned by unknown group %q", p.info.Name, f.path, f.group)
				}
			}
		}
	})
}

func TestWriteRPMDBSQLite(t *testing.T) {
	pkgs, err := loadRPMDB(context.Background(), libuuidRPMDB)
	if err != nil {
		t.Fatal(err)
	}
	var in []*rpmPackage
	for i := range pkgs {
		in = append(in, &pkgs[i])
	}
	first, err := writeRPMDBSQLite(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := writeRPMDBSQLite(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("rpmdb.sqlite is not deterministic")
	}
	p := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	if err := os.WriteFile(p, first, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := rpmdb.Open(p) // go-rpmdb detects SQLite by its magic

	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.ListPackages()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "libuuid" || got[0].Version != "2.32.1" || got[0].Release != "42.el8_8" || got[0].Size != 35104 {
		t.Fatalf("read back %+v", got)
	}
	files, err := got[0].InstalledFileNames()
	if err != nil || len(files) != 7 {
		t.Errorf("read back %d files (%v)", len(files), err)
	}
}
