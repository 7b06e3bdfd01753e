package gen

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

// testTag is one entry for makeHeader.
type testTag struct {
	tag   int32
	typ   uint32
	count uint32
	data  []byte
}

// makeHeader builds an rpm header blob (headerExport layout) from entries,
// laying their data out back to back with int32 values 4-aligned.
func makeHeader(tags []testTag) []byte {
	var index, data bytes.Buffer
	for _, tg := range tags {
		if tg.typ == rpmTypeInt32 {
			for data.Len()%4 != 0 {
				data.WriteByte(0)
			}
		}
		_ = binary.Write(&index, binary.BigEndian, []uint32{uint32(tg.tag), tg.typ, uint32(data.Len()), tg.count})
		data.Write(tg.data)
	}
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, []uint32{uint32(len(tags)), uint32(data.Len())})
	b.Write(index.Bytes())
	b.Write(data.Bytes())
	return b.Bytes()
}

func strs(ss ...string) []byte {
	var b []byte
	for _, s := range ss {
		b = append(append(b, s...), 0)
	}
	return b
}

func ints(vs ...int32) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, vs)
	return b.Bytes()
}

func TestParseHeaderExtras(t *testing.T) {
	valid := makeHeader([]testTag{
		{1000, 6, 1, strs("demo")},
		{tagFileLinkTos, rpmTypeStringArray, 3, strs("", "usr/bin", "")},
		{tagFileInodes, rpmTypeInt32, 3, ints(7, 8, 7)},
		{tagFileLangs, rpmTypeStringArray, 3, strs("", "", "de")},
	})
	tests := []struct {
		name    string
		blob    []byte
		nFiles  int
		want    headerExtras
		wantErr bool
	}{
		{name: "valid", blob: valid, nFiles: 3, want: headerExtras{
			linkTos: []string{"", "usr/bin", ""}, inodes: []int32{7, 8, 7}, langs: []string{"", "", "de"}}},
		{name: "tags absent", blob: makeHeader([]testTag{{1000, 6, 1, strs("x")}}), nFiles: 2},
		{name: "file count mismatch", blob: valid, nFiles: 4, wantErr: true},
		{name: "empty", blob: nil, wantErr: true},
		{name: "preamble only", blob: []byte{0, 0, 0, 1, 0, 0, 0, 0}, wantErr: true},
		{name: "zero entries", blob: []byte{0, 0, 0, 0, 0, 0, 0, 0}, wantErr: true},
		{name: "truncated data", blob: valid[:len(valid)-3], nFiles: 3, wantErr: true},
		{name: "huge index count", blob: []byte{0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0}, wantErr: true},
		{name: "string array runs off the end", blob: makeHeader([]testTag{{tagFileLinkTos, rpmTypeStringArray, 2, []byte("abc")}}), nFiles: 2, wantErr: true},
		{name: "int32 array runs off the end", blob: makeHeader([]testTag{{tagFileInodes, rpmTypeInt32, 5, ints(1)}}), nFiles: 5, wantErr: true},
		{name: "wrong type", blob: makeHeader([]testTag{{tagFileInodes, rpmTypeStringArray, 1, strs("1")}}), nFiles: 1, wantErr: true},
		{name: "offset beyond data", blob: func() []byte {
			b := makeHeader([]testTag{{tagFileLangs, rpmTypeStringArray, 1, strs("")}})
			binary.BigEndian.PutUint32(b[16:20], 1000)
			return b
		}(), nFiles: 1, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHeaderExtras(tc.blob, tc.nFiles)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if !slices.Equal(got.linkTos, tc.want.linkTos) || !slices.Equal(got.inodes, tc.want.inodes) || !slices.Equal(got.langs, tc.want.langs) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHeaderStringTag(t *testing.T) {
	h, err := parseHeaderTags(makeHeader([]testTag{{1000, 6, 1, strs("bash")}, {1001, 6, 1, []byte("noterm")}}))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := h.stringTag(1000); err != nil || s != "bash" {
		t.Errorf("name = %q, %v", s, err)
	}
	if _, err := h.stringTag(1001); !errors.Is(err, errHeaderTruncated) {
		t.Errorf("unterminated string: err = %v", err)
	}
	if _, err := h.stringTag(1002); err == nil {
		t.Error("absent tag: no error")
	}
}

func FuzzParseHeaderExtras(f *testing.F) {
	f.Add(makeHeader([]testTag{
		{tagFileLinkTos, rpmTypeStringArray, 2, strs("", "x")},
		{tagFileInodes, rpmTypeInt32, 2, ints(1, 1)},
	}), 2)
	f.Add(makeHeader([]testTag{{tagFileLangs, rpmTypeStringArray, 1, strs("en")}}), 1)
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 4, 12, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 9}, 9)
	f.Fuzz(func(t *testing.T, blob []byte, nFiles int) {
		x, err := parseHeaderExtras(blob, nFiles)
		if err != nil {
			return
		}
		for _, n := range []int{len(x.linkTos), len(x.inodes), len(x.langs)} {
			if n != 0 && n != nFiles {
				t.Fatalf("array of %d values accepted for %d files", n, nFiles)
			}
		}
		if h, err := parseHeaderTags(blob); err != nil || len(h.data) > len(blob) {
			t.Fatalf("extras parsed but tags did not: %v", err)
		}
	})
}
