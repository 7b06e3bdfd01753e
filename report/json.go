package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes v as indented JSON. Maps are written with sorted keys,
// so the output is deterministic. A Report's file table is written one
// entry at a time, with the same bytes: encoding/json would hold the whole
// document twice (compact, then indented) and grow each copy by doubling,
// ~0.3 GB for the 70 MB of a 235k-entry table.
func WriteJSON(w io.Writer, v any) error {
	if r, ok := v.(*Report); ok && len(r.Files) >= streamFilesFrom {
		if done, err := writeReportJSON(w, r); done {
			return err
		}
	}
	if err := newEncoder(w, "").Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}

// streamFilesFrom is the file table size from which a Report's files are
// written one by one.
const streamFilesFrom = 1024

func newEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc
}

// fileIndent is the indentation of an element of Report.Files: the array is
// a field of the top-level object.
const fileIndent = "    "

// writeReportJSON writes r as WriteJSON's encoder would, its files one at a
// time: the report is encoded with a single marker file in their place,
// and the marker's bytes are replaced by the files' as they are written.
// It reports false, having written nothing, when the marker is not found
// once in the encoded report.
func writeReportJSON(w io.Writer, r *Report) (bool, error) {
	marker := File{Path: "\x00slimcheck: the file table goes here\x00"}
	head := *r
	head.Files = []File{marker}
	var doc, elem bytes.Buffer
	if err := newEncoder(&doc, "").Encode(&head); err != nil {
		return true, fmt.Errorf("encoding JSON: %w", err)
	}
	enc := newEncoder(&elem, fileIndent)
	encodeFile := func(f *File) ([]byte, error) {
		elem.Reset()
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(elem.Bytes(), []byte("\n")), nil
	}
	m, err := encodeFile(&marker)
	if err != nil {
		return true, fmt.Errorf("encoding JSON: %w", err)
	}
	if bytes.Count(doc.Bytes(), m) != 1 {
		return false, nil
	}
	at := bytes.Index(doc.Bytes(), m)
	before, after := doc.Bytes()[:at], doc.Bytes()[at+len(m):]
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(before); err != nil {
		return true, err
	}
	for i := range r.Files {
		if i > 0 {
			if _, err := bw.WriteString(",\n" + fileIndent); err != nil {
				return true, err
			}
		}
		b, err := encodeFile(&r.Files[i])
		if err != nil {
			return true, fmt.Errorf("encoding JSON: file %d: %w", i, err)
		}
		if _, err := bw.Write(b); err != nil {
			return true, err
		}
	}
	if _, err := bw.Write(after); err != nil {
		return true, err
	}
	return true, bw.Flush()
}
