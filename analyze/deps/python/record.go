package python

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// maxRecordRows bounds the rows read from one RECORD file.
const maxRecordRows = 200_000

// dist is one installed distribution.
type dist struct {
	name    string // PEP 503 normalised
	rawName string // as in the dist-info directory name
	version string
	sp      string   // site-packages directory
	record  string   // path of its RECORD
	files   []string // absolute, cleaned paths from RECORD
}

// parseDistInfoDir splits "<name>-<version>.dist-info".
func parseDistInfoDir(base string) (name, version string, ok bool) {
	stem, ok := strings.CutSuffix(base, ".dist-info")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 || i == len(stem)-1 {
		return "", "", false
	}
	return stem[:i], stem[i+1:], true
}

// parseRecord reads a RECORD (CSV rows "path,hash,size") and returns the
// absolute paths it lists, resolved against the site-packages directory.
// Rows whose path is empty, or resolves to site-packages itself or one of
// its ancestors (a directory, never a file a distribution owns), are
// skipped.
func parseRecord(sp string, data []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	var out []string
	for n := 0; ; n++ {
		if n >= maxRecordRows {
			return out, fmt.Errorf("reading RECORD: more than %d rows", maxRecordRows)
		}
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("reading RECORD row %d: %w", n+1, err)
		}
		if len(row) == 0 || strings.TrimSpace(row[0]) == "" || strings.ContainsRune(row[0], 0) {
			continue
		}
		p := row[0]
		if !path.IsAbs(p) {
			p = path.Join(sp, p)
		}
		p = path.Clean(p)
		if !under(sp, p) {
			out = append(out, p)
		}
	}
}

// ownership says which distributions' RECORDs touch each directory below
// a site-packages directory.
type ownership struct {
	owner  map[string]*dist // first distribution seen below the directory
	shared map[string]bool  // more than one distribution below it
}

// ownershipOf indexes every ancestor directory (below its site-packages) of
// every listed file.
func ownershipOf(dists []*dist) ownership {
	o := ownership{owner: map[string]*dist{}, shared: map[string]bool{}}
	for _, d := range dists {
		for _, f := range d.files {
			for p := f; under(p, d.sp) && p != d.sp; p = path.Dir(p) {
				switch prev, ok := o.owner[p]; {
				case !ok:
					o.owner[p] = d
				case prev != d:
					o.shared[p] = true
				}
			}
		}
	}
	return o
}

// pathsOf returns the paths that hold every file of d: for each file below
// its site-packages the highest ancestor that only d touches (or the file),
// and files elsewhere (scripts in bin/) as they are.
func (o ownership) pathsOf(d *dist) []string {
	set := map[string]bool{}
	for _, f := range d.files {
		if !under(f, d.sp) || f == d.sp {
			set[f] = true
			continue
		}
		rel := strings.TrimPrefix(f, d.sp+"/")
		chosen := f
		p := d.sp
		for _, c := range strings.Split(rel, "/") {
			p += "/" + c
			if o.owner[p] == d && !o.shared[p] {
				chosen = p
				break
			}
		}
		set[chosen] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// under reports whether p is dir or below it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/") || dir == "/"
}
