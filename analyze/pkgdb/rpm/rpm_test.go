package rpm

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParseBuiltDatabases(t *testing.T) {
	big := buildHeader(append([]tagVal{tStr(tagName, "big"), tStr(tagVersion, "1"), tStr(tagRelease, "1")},
		tStrs(tagRequireName, slices.Repeat([]string{strings.Repeat("x", 60)}, 40)...))...)
	tests := []struct {
		name   string
		db     []byte
		format Format
		want   []string
	}{
		{"ndb", buildNDB(samplePackage("a"), samplePackage("b")), NDB, []string{"a", "b"}},
		{"bdb little-endian overflow", buildBDB(512, false, false, samplePackage("a"), samplePackage("b")), BerkeleyDB, []string{"a", "b"}},
		{"bdb big-endian overflow", buildBDB(512, true, false, samplePackage("a"), samplePackage("b")), BerkeleyDB, []string{"a", "b"}},
		{"bdb inline values", buildBDB(4096, false, true, samplePackage("a"), samplePackage("b")), BerkeleyDB, []string{"a", "b"}},
		{"sqlite local payloads", buildSQLite(4096, samplePackage("a"), samplePackage("b")), SQLite, []string{"a", "b"}},
		{"sqlite overflow payload", buildSQLite(512, big), SQLite, []string{"big"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, err := DetectFormat(tt.db); f != tt.format || err != nil {
				t.Fatalf("DetectFormat = %q, %v; want %q", f, err, tt.format)
			}
			pkgs, err := Parse(context.Background(), tt.db)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var names []string
			for _, p := range pkgs {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("packages %v, want %v", names, tt.want)
			}
			if p := pkgs[0]; p.Name == "a" {
				checkSample(t, p)
			} else if len(p.Requires) != 40 {
				t.Errorf("big: %d requires, want 40 (payload reassembled wrongly)", len(p.Requires))
			}
		})
	}
}

// checkSample verifies every field of samplePackage("a").
func checkSample(t *testing.T, p Package) {
	t.Helper()
	if p.EVR() != "2:1.0-1.el9" || p.Arch != "x86_64" || p.Size != 12345 || p.SourceRPM != "a-1.0-1.el9.src.rpm" {
		t.Errorf("got %s %s %d %s", p.EVR(), p.Arch, p.Size, p.SourceRPM)
	}
	want := []File{{"/usr/bin/a", 0o100755, 0}, {"/usr/bin/a-link", 0o120777, fileGhost}, {"/usr/share/a", 0o040755, 0}}
	if !slices.Equal(p.Files, want) {
		t.Errorf("files %v, want %v", p.Files, want)
	}
	if !p.Files[2].IsDir() || p.Files[0].IsDir() || p.Files[1].IsDir() {
		t.Errorf("IsDir wrong for %v", p.Files)
	}
	if p.Files[0].Ghost() || !p.Files[1].Ghost() || p.Files[2].Ghost() {
		t.Errorf("Ghost wrong for %v", p.Files)
	}
	if !slices.Equal(p.Requires, []string{"/bin/sh", "libc.so.6()(64bit)", "rpmlib(CompressedFileNames)"}) ||
		!slices.Equal(p.Provides, []string{"a", "cmd(a)"}) {
		t.Errorf("requires %v provides %v", p.Requires, p.Provides)
	}
}

func TestParseHeader(t *testing.T) {
	nv := []tagVal{tStr(tagName, "n"), tStr(tagVersion, "1")}
	with := func(extra ...tagVal) []byte { return buildHeader(append(slices.Clone(nv), extra...)...) }
	tests := []struct {
		name    string
		blob    []byte
		wantErr string // substring; "" means success
		check   func(t *testing.T, p Package)
	}{
		{"minimal", with(), "", func(t *testing.T, p Package) {
			if p.EVR() != "1" || p.Epoch != nil || p.Files != nil {
				t.Errorf("got %+v", p)
			}
		}},
		{"long size wins over size", with(tI32(tagSize, 1), tI64(tagLongSize, 5<<30)), "", func(t *testing.T, p Package) {
			if p.Size != 5<<30 {
				t.Errorf("size %d", p.Size)
			}
		}},
		{"size is unsigned", with(tI32(tagSize, 0xffff0000)), "", func(t *testing.T, p Package) {
			if p.Size != 0xffff0000 {
				t.Errorf("size %d", p.Size)
			}
		}},
		{"later entry overrides (dribble)", with(tStr(tagArch, "noarch"), tStr(tagArch, "x86_64")), "", func(t *testing.T, p Package) {
			if p.Arch != "x86_64" {
				t.Errorf("arch %q", p.Arch)
			}
		}},
		{"old file names", with(tStrs(tagOldFileNames, "/etc/x", "usr//lib/../lib/y")), "", func(t *testing.T, p Package) {
			if !slices.Equal(p.Files, []File{{Path: "/etc/x"}, {Path: "/usr/lib/y"}}) {
				t.Errorf("files %v", p.Files)
			}
		}},
		{"source rpm (none)", with(tStr(tagSourceRPM, "(none)")), "", func(t *testing.T, p Package) {
			if p.SourceRPM != "" {
				t.Errorf("source %q", p.SourceRPM)
			}
		}},
		{"mismatched file modes are ignored", with(tStrs(tagBaseNames, "f"), tI32(tagDirIndexes, 0), tStrs(tagDirNames, "/"), tI16(tagFileModes, 1, 2)), "", func(t *testing.T, p Package) {
			if !slices.Equal(p.Files, []File{{Path: "/f"}}) {
				t.Errorf("files %v", p.Files)
			}
		}},
		{"no name", buildHeader(tStr(tagVersion, "1")), "no package name", nil},
		{"empty", nil, "shorter than", nil},
		{"zero index entries", []byte{0, 0, 0, 0, 0, 0, 0, 0}, "index length", nil},
		{"huge index", []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, "index length", nil},
		{"truncated", with()[:30], "truncated", nil},
		{"wrong type for name", buildHeader(tI32(tagName, 1)), "type", nil},
		{"string without NUL", buildHeader(tagVal{tagName, typeString, 1, []byte("abc")}), "NUL", nil},
		{"string array count too large", with(tagVal{tagRequireName, typeStringArray, 1 << 30, []byte("a\x00")}), "cannot fit", nil},
		{"int32 count too large", with(tagVal{tagEpoch, typeInt32, 1 << 30, make([]byte, 8)}), "exceed", nil},
		{"directory index out of range", with(tStrs(tagBaseNames, "f"), tI32(tagDirIndexes, 3), tStrs(tagDirNames, "/")), "directory index", nil},
		{"index and base name counts differ", with(tStrs(tagBaseNames, "f", "g"), tI32(tagDirIndexes, 0), tStrs(tagDirNames, "/")), "directory indexes", nil},
		{"offset outside data", buildHeader(tagVal{tagName, typeString, 1, nil}), "offset", nil},
		{"paths expanding quadratically", with(tStrs(tagDirNames, "/"+strings.Repeat("d", 1<<16)+"/"),
			tStrs(tagBaseNames, slices.Repeat([]string{"x"}, 20000)...), tI32(tagDirIndexes, make([]uint32, 20000)...)), "expand", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseHeader(tt.blob)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHeader: %v", err)
			}
			tt.check(t, p)
		})
	}
}

// mutate returns a copy of b changed by f.
func mutate(b []byte, f func(b []byte)) []byte {
	c := slices.Clone(b)
	f(c)
	return c
}

func TestParseCorrupt(t *testing.T) {
	le := binary.LittleEndian
	uuid := readFixture(t, "libuuid/Packages") // 4096-byte pages: 1-2 hash, 3-22 one overflow chain
	sle := readFixture(t, "sle15-bci/Packages.db")
	rocky := readFixture(t, "rockylinux9/rpmdb.sqlite.gz")
	random := make([]byte, 8192)
	for i := range random {
		random[i] = byte(rand.N(256))
	}
	sqliteCycle := mutate(rocky, func(b []byte) {
		db, _ := openSQLite(b)
		root := sqliteRoot(t, b)
		off := (int(root) - 1) * db.pageSize
		if b[off] != sqliteTableInterior {
			t.Fatalf("rocky Packages root %d is not an interior page", root)
		}
		c := int(binary.BigEndian.Uint16(b[off+12:]))
		binary.BigEndian.PutUint32(b[off+c:], root) // first child points back at the root
	})
	tests := []struct {
		name    string
		db      []byte
		wantErr string
	}{
		{"empty", nil, "unrecognised"},
		{"random bytes", random, "unrecognised"},
		{"sqlite magic only", []byte(sqliteMagic), "shorter than"},
		{"truncated sqlite", rocky[:64<<10], "truncated"},
		{"sqlite b-tree cycle", sqliteCycle, "referenced twice"},
		{"sqlite bad page size", mutate(rocky, func(b []byte) { b[16], b[17] = 0x03, 0x00 }), "page size"},
		{"bdb hash page entry count overflows (panics go-rpmdb)", mutate(uuid, func(b []byte) { le.PutUint16(b[4096+20:], 0xfffe) }), "entry count"},
		{"bdb overflow chain into a hash page (hangs go-rpmdb)", mutate(uuid, func(b []byte) { le.PutUint32(b[10*4096+16:], 1) }), "overflow chain"},
		{"bdb overflow chain cycle", mutate(uuid, func(b []byte) { le.PutUint32(b[10*4096+16:], 5) }), "used twice"},
		{"bdb overflow length beyond page", mutate(uuid, func(b []byte) { le.PutUint16(b[10*4096+22:], 0xffff) }), "more than the item or page"},
		{"bdb truncated", uuid[:50000], "truncated"},
		{"bdb bad page size", mutate(uuid, func(b []byte) { le.PutUint32(b[20:], 1000) }), "page size"},
		{"bdb item offsets out of order", mutate(uuid, func(b []byte) { le.PutUint16(b[4096+28:], 4095) }), "out of order"},
		{"ndb bad slot magic", mutate(sle, func(b []byte) { b[32] = 'X' }), "bad magic"},
		{"ndb blob length too large", mutate(sle, func(b []byte) {
			blk := le.Uint32(b[32+8:])
			le.PutUint32(b[blk*16+12:], 0x7fffffff)
		}), "overruns"},
		{"ndb slot outside the file", mutate(sle, func(b []byte) { le.PutUint32(b[32+8:], 0xffffffff) }), "outside the file"},
		{"ndb truncated slot pages", sle[:3000], "truncated"},
		{"ndb header truncated", buildNDB(samplePackage("a"))[:4200], "outside the file"},
		{"ndb corrupt header blob", mutate(buildNDB(samplePackage("a")), func(b []byte) { b[4096+16] = 0x7f }), "decoding header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), tt.db)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

// sqliteRoot finds the Packages root page the way readSQLite does.
func sqliteRoot(t *testing.T, b []byte) uint32 {
	t.Helper()
	db, err := openSQLite(b)
	if err != nil {
		t.Fatal(err)
	}
	var root int64
	err = db.walk(1, 0, func(_ int64, payload []byte) error {
		cols, err := record(payload)
		if err == nil && len(cols) >= 4 && cols[1].text() == "Packages" {
			root, _ = cols[3].int()
		}
		return err
	})
	if err != nil || root == 0 {
		t.Fatalf("finding Packages root: %v", err)
	}
	return uint32(root)
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var blobs [][]byte
	for range 100 {
		blobs = append(blobs, samplePackage("p"))
	}
	pkgs, err := Parse(ctx, buildNDB(blobs...))
	if !errors.Is(err, context.Canceled) || len(pkgs) >= 100 {
		t.Fatalf("got %d packages, err %v; want fewer than 100 and context.Canceled", len(pkgs), err)
	}
}
