package bench

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// corpusSize is the length of each content corpus. Files are windows into
// it at seeded offsets; it is far larger than gzip's 32 KiB window, so two
// files rarely compress against each other.
const corpusSize = 4 << 20

// corpus holds the bytes Text and Binary files are cut from.
type corpus struct {
	text, binary []byte
}

// newCorpus builds both corpora from seed.
func newCorpus(seed uint64) *corpus {
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	// Text: words drawn with a Zipf-like law from a vocabulary, with the
	// punctuation and line structure of source code.
	vocab := make([]string, 6000)
	for i := range vocab {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		vocab[i] = b.String()
	}
	seps := []string{" ", " ", " ", "\n", "\n  ", "(", ") {\n    ", ");\n", ".", ", ", " = ", "}\n", ": ", "\"", "_", "/"}
	var t strings.Builder
	t.Grow(corpusSize + 64)
	for t.Len() < corpusSize {
		i := int(math.Exp(rng.Float64()*math.Log(float64(len(vocab))))) - 1
		t.WriteString(vocab[i])
		t.WriteString(seps[rng.IntN(len(seps))])
	}
	c := &corpus{text: []byte(t.String()[:corpusSize]), binary: make([]byte, corpusSize)}
	// Binary: blocks of random bytes, zero runs, repeated patterns and
	// small-integer tables, roughly as compressible as machine code and data.
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	src := rand.NewChaCha8(key)
	for off := 0; off < corpusSize; {
		n := min(corpusSize-off, 64+rng.IntN(4096))
		blk := c.binary[off : off+n]
		switch rng.IntN(4) {
		case 0, 1:
			_, _ = src.Read(blk) // ChaCha8.Read never fails
		case 2:
			pat := make([]byte, 1+rng.IntN(24))
			_, _ = src.Read(pat)
			for i := range blk {
				blk[i] = pat[i%len(pat)]
			}
		case 3:
			for i := range blk {
				blk[i] = byte(rng.IntN(12))
			}
		}
		off += n
	}
	return c
}

// writeContent writes the contents of regular file e to w, using buf as
// scratch space for Random contents.
func (c *corpus) writeContent(w io.Writer, e Entry, buf []byte) error {
	switch e.Content {
	case Inline:
		if int64(len(e.Data)) != e.Size {
			return fmt.Errorf("writing %s: inline data is %d bytes, header says %d", e.Name, len(e.Data), e.Size)
		}
		_, err := w.Write(e.Data)
		return err
	case Random:
		var key [32]byte
		binary.LittleEndian.PutUint64(key[:], e.Seed)
		src := rand.NewChaCha8(key)
		for left := e.Size; left > 0; {
			b := buf[:min(int64(len(buf)), left)]
			_, _ = src.Read(b)
			if _, err := w.Write(b); err != nil {
				return err
			}
			left -= int64(len(b))
		}
		return nil
	}
	src := c.text
	if e.Content == Binary {
		src = c.binary
	}
	off := int64(e.Seed % uint64(len(src)))
	for left := e.Size; left > 0; {
		b := src[off:min(int64(len(src)), off+left)]
		if _, err := w.Write(b); err != nil {
			return err
		}
		left -= int64(len(b))
		off = 0
	}
	return nil
}
