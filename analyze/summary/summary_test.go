package summary

import (
	"reflect"
	"strings"
	"testing"
)

func TestAncestors(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want []string
	}{
		{"/a/b/c", 32, []string{"/a", "/a/b"}},
		{"/a", 32, nil},
		{"/", 32, nil},
		{"/a/b/c/d", 2, []string{"/a", "/a/b"}},
	}
	for _, tt := range tests {
		if got := ancestors(tt.in, tt.max); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ancestors(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	deep := strings.Repeat("/d", 100_000) + "/f"
	if got := ancestors(deep, maxDirDepth); len(got) != maxDirDepth {
		t.Errorf("deep path: %d ancestors, want %d", len(got), maxDirDepth)
	}
}

func TestTopDirs(t *testing.T) {
	dirs := map[string]int64{
		"/usr": 100, "/usr/lib": 95, "/usr/lib/gcc": 90, "/usr/lib/gcc/x86_64": 90, "/usr/lib/gcc/x86_64/4.8": 50, "/usr/lib/gcc/x86_64/other": 40,
		"/var": 10, "/var/cache": 10, "/var/cache/yum": 10,
		"/usr/share": 5,
	}
	got := topDirs(dirs, 5)
	var paths []string
	for _, d := range got {
		paths = append(paths, d.Path)
	}
	want := []string{"/usr/lib/gcc/x86_64", "/var/cache/yum", "/usr/share"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("topDirs = %q, want %q", paths, want)
	}
}
