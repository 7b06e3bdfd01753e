package analyze

import (
	"slices"
	"testing"
)

func TestMergeSemantics(t *testing.T) {
	cases := []struct {
		name    string
		layers  [][]spec
		entries []string // "layer path type status change", in layer and tar order
		final   []string // "path@layer"
		stats   []LayerStats
	}{
		{
			name: "file whiteout",
			layers: [][]spec{
				{dir("etc"), file("etc/a", 10), file("etc/b", 20)},
				{wh("etc/a")},
			},
			entries: []string{
				"0 /etc dir visible added",
				"0 /etc/a file deleted added",
				"0 /etc/b file visible added",
				"1 /etc/a whiteout marker removal",
			},
			final: []string{"/etc@0", "/etc/b@0"},
			stats: []LayerStats{
				{Entries: 3, FilesAdded: 2, BytesAdded: 30, HiddenBytes: 10, HiddenFiles: 1},
				{Entries: 1, FilesRemoved: 1, BytesRemoved: 10},
			},
		},
		{
			name: "dir whiteout removes the subtree",
			layers: [][]spec{
				{dir("d"), file("d/a", 10), dir("d/s"), file("d/s/b", 20), file("keep", 1)},
				{wh("d")},
			},
			entries: []string{
				"0 /d dir deleted added",
				"0 /d/a file deleted added",
				"0 /d/s dir deleted added",
				"0 /d/s/b file deleted added",
				"0 /keep file visible added",
				"1 /d whiteout marker removal",
			},
			final: []string{"/keep@0"},
			stats: []LayerStats{
				{Entries: 5, FilesAdded: 3, BytesAdded: 31, HiddenBytes: 30, HiddenFiles: 4},
				{Entries: 1, FilesRemoved: 2, BytesRemoved: 30},
			},
		},
		{
			name: "whiteout applies to lower layers only",
			layers: [][]spec{
				{file("a", 10)},
				{file("a", 5), wh("a")},
			},
			entries: []string{
				"0 /a file deleted added",
				"1 /a file visible added",
				"1 /a whiteout marker removal",
			},
			final: []string{"/a@1"},
			stats: []LayerStats{
				{Entries: 1, FilesAdded: 1, BytesAdded: 10, HiddenBytes: 10, HiddenFiles: 1},
				{Entries: 2, FilesAdded: 1, BytesAdded: 5, FilesRemoved: 1, BytesRemoved: 10},
			},
		},
		{
			name: "whiteout of a missing path",
			layers: [][]spec{
				{file("a", 1)},
				{wh("nothing/here")},
			},
			entries: []string{
				"0 /a file visible added",
				"1 /nothing/here whiteout marker removal",
			},
			final: []string{"/a@0"},
			stats: []LayerStats{{Entries: 1, FilesAdded: 1, BytesAdded: 1}, {Entries: 1}},
		},
		{
			name: "delete and re-add in the same layer",
			layers: [][]spec{
				{dir("d"), file("d/a", 10)},
				{wh("d"), file("d/b", 20)},
			},
			entries: []string{
				"0 /d dir deleted added",
				"0 /d/a file deleted added",
				"1 /d whiteout marker removal",
				"1 /d/b file visible added",
			},
			final: []string{"/d/b@1"},
			stats: []LayerStats{
				{Entries: 2, FilesAdded: 1, BytesAdded: 10, HiddenBytes: 10, HiddenFiles: 2},
				{Entries: 2, FilesAdded: 1, BytesAdded: 20, FilesRemoved: 1, BytesRemoved: 10},
			},
		},
		{
			name: "opaque dir",
			layers: [][]spec{
				{dir("d"), file("d/a", 10), dir("d/s"), file("d/s/b", 20)},
				{dir("d"), opq("d"), file("d/c", 7)},
			},
			entries: []string{
				"0 /d dir overwritten added",
				"0 /d/a file deleted added",
				"0 /d/s dir deleted added",
				"0 /d/s/b file deleted added",
				"1 /d dir visible modified",
				"1 /d opaque marker removal",
				"1 /d/c file visible added",
			},
			final: []string{"/d@1", "/d/c@1"},
			stats: []LayerStats{
				{Entries: 4, FilesAdded: 2, BytesAdded: 30, HiddenBytes: 30, HiddenFiles: 4},
				{Entries: 3, FilesAdded: 1, BytesAdded: 7, FilesRemoved: 2, BytesRemoved: 30},
			},
		},
		{
			name: "opaque and re-add in the same layer, marker last",
			layers: [][]spec{
				{dir("d"), file("d/a", 10), file("d/b", 20)},
				{file("d/a", 3), opq("d")},
			},
			entries: []string{
				"0 /d dir visible added",
				"0 /d/a file deleted added",
				"0 /d/b file deleted added",
				"1 /d/a file visible added",
				"1 /d opaque marker removal",
			},
			final: []string{"/d@0", "/d/a@1"},
			stats: []LayerStats{
				{Entries: 3, FilesAdded: 2, BytesAdded: 30, HiddenBytes: 30, HiddenFiles: 2},
				{Entries: 2, FilesAdded: 1, BytesAdded: 3, FilesRemoved: 2, BytesRemoved: 30},
			},
		},
		{
			name: "opaque root",
			layers: [][]spec{
				{file("a", 1), dir("d"), file("d/x", 2)},
				{opq("/"), file("b", 4)},
			},
			entries: []string{
				"0 /a file deleted added",
				"0 /d dir deleted added",
				"0 /d/x file deleted added",
				"1 / opaque marker removal",
				"1 /b file visible added",
			},
			final: []string{"/b@1"},
			stats: []LayerStats{
				{Entries: 3, FilesAdded: 2, BytesAdded: 3, HiddenBytes: 3, HiddenFiles: 3},
				{Entries: 2, FilesAdded: 1, BytesAdded: 4, FilesRemoved: 2, BytesRemoved: 3},
			},
		},
		{
			name: "a visible hard link keeps a deleted target's bytes",
			layers: [][]spec{
				{dir("bin"), file("bin/busybox", 1000), hardlink("bin/sh", "bin/busybox")},
				{wh("bin/busybox")},
			},
			entries: []string{
				"0 /bin dir visible added",
				"0 /bin/busybox file deleted added",
				"0 /bin/sh hardlink visible added",
				"1 /bin/busybox whiteout marker removal",
			},
			final: []string{"/bin@0", "/bin/sh@0"},
			stats: []LayerStats{
				{Entries: 3, FilesAdded: 2, BytesAdded: 1000},
				{Entries: 1, FilesRemoved: 1, BytesRemoved: 1000},
			},
		},
		{
			name: "hard link and target both deleted",
			layers: [][]spec{
				{dir("bin"), file("bin/busybox", 1000), hardlink("bin/sh", "bin/busybox"), hardlink("bin/ls", "./bin/../bin/busybox")},
				{wh("bin")},
			},
			entries: []string{
				"0 /bin dir deleted added",
				"0 /bin/busybox file deleted added",
				"0 /bin/sh hardlink deleted added",
				"0 /bin/ls hardlink deleted added",
				"1 /bin whiteout marker removal",
			},
			final: nil,
			stats: []LayerStats{
				{Entries: 4, FilesAdded: 3, BytesAdded: 1000, HiddenBytes: 1000, HiddenFiles: 4},
				{Entries: 1, FilesRemoved: 3, BytesRemoved: 1000},
			},
		},
		{
			name: "same path twice in one layer",
			layers: [][]spec{
				{file("x", 10), file("x", 20)},
				{file("x", 30)},
			},
			entries: []string{
				"0 /x file shadowed added",
				"0 /x file overwritten added",
				"1 /x file visible modified",
			},
			final: []string{"/x@1"},
			stats: []LayerStats{
				{Entries: 2, FilesAdded: 1, BytesAdded: 20, HiddenBytes: 30, HiddenFiles: 2},
				{Entries: 1, FilesModified: 1, BytesModified: 30},
			},
		},
		{
			name: "same path twice replacing a lower file",
			layers: [][]spec{
				{file("x", 10)},
				{file("x", 20), file("x", 30)},
			},
			entries: []string{
				"0 /x file overwritten added",
				"1 /x file shadowed modified",
				"1 /x file visible modified",
			},
			final: []string{"/x@1"},
			stats: []LayerStats{
				{Entries: 1, FilesAdded: 1, BytesAdded: 10, HiddenBytes: 10, HiddenFiles: 1},
				{Entries: 2, FilesModified: 1, BytesModified: 30, HiddenBytes: 20, HiddenFiles: 1},
			},
		},
		{
			name: "file replaced by dir and dir by file",
			layers: [][]spec{
				{file("p", 100), dir("q"), file("q/inner", 50)},
				{dir("p"), file("p/c", 7), file("q", 9)},
			},
			entries: []string{
				"0 /p file overwritten added",
				"0 /q dir overwritten added",
				"0 /q/inner file deleted added",
				"1 /p dir visible modified",
				"1 /p/c file visible added",
				"1 /q file visible modified",
			},
			final: []string{"/p@1", "/p/c@1", "/q@1"},
			stats: []LayerStats{
				{Entries: 3, FilesAdded: 2, BytesAdded: 150, HiddenBytes: 150, HiddenFiles: 3},
				{Entries: 3, FilesAdded: 1, BytesAdded: 7, FilesModified: 1, BytesModified: 9, FilesRemoved: 1, BytesRemoved: 50},
			},
		},
		{
			name: "implied parent replaces a file",
			layers: [][]spec{
				{file("p", 100)},
				{file("p/c", 7)},
			},
			entries: []string{
				"0 /p file overwritten added",
				"1 /p/c file visible added",
			},
			final: []string{"/p/c@1"},
			stats: []LayerStats{
				{Entries: 1, FilesAdded: 1, BytesAdded: 100, HiddenBytes: 100, HiddenFiles: 1},
				{Entries: 1, FilesAdded: 1, BytesAdded: 7},
			},
		},
		{
			name: "file replaces an implied dir",
			layers: [][]spec{
				{file("d/e/f", 5)},
				{file("d/e", 3)},
			},
			entries: []string{
				"0 /d/e/f file deleted added",
				"1 /d/e file visible added",
			},
			final: []string{"/d/e@1"},
			stats: []LayerStats{
				{Entries: 1, FilesAdded: 1, BytesAdded: 5, HiddenBytes: 5, HiddenFiles: 1},
				{Entries: 1, FilesAdded: 1, BytesAdded: 3, FilesRemoved: 1, BytesRemoved: 5},
			},
		},
		{
			name: "symlink over dir and sorted final view",
			layers: [][]spec{
				{dir("a"), file("a/x", 1), file("a-b", 2), dir("a/b"), file("a/b/c", 3)},
				{symlink("a/b", "../a-b")},
			},
			entries: []string{
				"0 /a dir visible added",
				"0 /a/x file visible added",
				"0 /a-b file visible added",
				"0 /a/b dir overwritten added",
				"0 /a/b/c file deleted added",
				"1 /a/b symlink visible modified",
			},
			final: []string{"/a@0", "/a-b@0", "/a/b@1", "/a/x@0"},
			stats: []LayerStats{
				{Entries: 5, FilesAdded: 3, BytesAdded: 6, HiddenBytes: 3, HiddenFiles: 2},
				{Entries: 1, FilesModified: 1, FilesRemoved: 1, BytesRemoved: 3},
			},
		},
		{
			name:    "empty layer",
			layers:  [][]spec{{file("a", 1)}, {}},
			entries: []string{"0 /a file visible added"},
			final:   []string{"/a@0"},
			stats:   []LayerStats{{Entries: 1, FilesAdded: 1, BytesAdded: 1}, {}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := walkSpec(t, Options{}, c.layers...)
			if got := dumpEntries(ix); !slices.Equal(got, c.entries) {
				t.Errorf("entries:\n got %q\nwant %q", got, c.entries)
			}
			if got := finalPaths(ix); !slices.Equal(got, c.final) {
				t.Errorf("final: got %q, want %q", got, c.final)
			}
			if !slices.Equal(ix.Stats, c.stats) {
				t.Errorf("stats:\n got %+v\nwant %+v", ix.Stats, c.stats)
			}
			checkInvariants(t, ix)
		})
	}
}
