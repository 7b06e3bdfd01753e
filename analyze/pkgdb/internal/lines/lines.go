// Package lines iterates over the lines of an in-memory text file without copying it, remembering whether
// the last line was cut off (no trailing newline), which is how the text databases reveal truncation.
package lines

import "bytes"

// Scanner walks the lines of a byte slice.
type Scanner struct {
	rest []byte
	line []byte
	no   int
	term bool
}

// New returns a Scanner over b.
func New(b []byte) *Scanner { return &Scanner{rest: b} }

// Scan advances to the next line and reports whether there was one.
func (s *Scanner) Scan() bool {
	if len(s.rest) == 0 {
		return false
	}
	s.no++
	i := bytes.IndexByte(s.rest, '\n')
	if i < 0 {
		s.line, s.rest, s.term = s.rest, nil, false
	} else {
		s.line, s.rest, s.term = s.rest[:i], s.rest[i+1:], true
	}
	s.line = bytes.TrimSuffix(s.line, []byte{'\r'})
	return true
}

// Line is the current line without its line ending; it aliases the input.
func (s *Scanner) Line() []byte { return s.line }

// No is the 1-based number of the current line.
func (s *Scanner) No() int { return s.no }

// Terminated reports whether the current line ended with a newline; false means the file was cut off in it.
func (s *Scanner) Terminated() bool { return s.term }

// Blank reports whether the current line is empty or only spaces and tabs.
func (s *Scanner) Blank() bool { return len(bytes.Trim(s.line, " \t")) == 0 }
