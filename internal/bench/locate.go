package bench

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
)

// maxManifest bounds manifest.json (hostile input).
const maxManifest = 16 << 20

// maxMembers bounds the members indexed in an archive (hostile input).
const maxMembers = 1 << 20

// member locates one regular file inside an uncompressed tar.
type member struct{ off, size int64 }

// ArchiveLayers locates the layer blobs of the first image of the
// docker-archive in r (size bytes long), in manifest order, without
// reading the blobs: each comes back as a section of r.
func ArchiveLayers(r io.ReaderAt, size int64) ([]*io.SectionReader, error) {
	members, err := indexMembers(r, size)
	if err != nil {
		return nil, err
	}
	mf, ok := members["manifest.json"]
	if !ok {
		return nil, errors.New("reading docker archive: no manifest.json")
	}
	if mf.size > maxManifest {
		return nil, fmt.Errorf("reading manifest.json: %d bytes is over the %d-byte limit", mf.size, maxManifest)
	}
	raw := make([]byte, mf.size)
	if _, err := r.ReadAt(raw, mf.off); err != nil {
		return nil, fmt.Errorf("reading manifest.json: %w", err)
	}
	var m []archiveManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest.json: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("parsing manifest.json: no image")
	}
	out := make([]*io.SectionReader, 0, len(m[0].Layers))
	for _, name := range m[0].Layers {
		l, ok := members[cleanMember(name)]
		if !ok {
			return nil, fmt.Errorf("reading layer %q: not in the archive", name)
		}
		out = append(out, io.NewSectionReader(r, l.off, l.size))
	}
	return out, nil
}

// indexMembers records where each regular file's bytes start, by cleaned
// name, reading only headers: a tar.Reader over a seekable reader skips
// member contents by seeking.
func indexMembers(r io.ReaderAt, size int64) (map[string]member, error) {
	sr := io.NewSectionReader(r, 0, size)
	tr := tar.NewReader(sr)
	members := map[string]member{}
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return members, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading archive entry %d: %w", n, err)
		}
		if n >= maxMembers {
			return nil, fmt.Errorf("reading archive: more than %d entries", maxMembers)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		off, err := sr.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("locating %q: %w", hdr.Name, err)
		}
		if hdr.Size < 0 || hdr.Size > size-off {
			return nil, fmt.Errorf("reading %q: %d bytes run past the end of the archive", hdr.Name, hdr.Size)
		}
		members[cleanMember(hdr.Name)] = member{off: off, size: hdr.Size}
	}
}

// cleanMember normalises a member name: no leading "./" or "/", no "..".
func cleanMember(name string) string {
	p := path.Clean("/" + name)
	return p[1:]
}
