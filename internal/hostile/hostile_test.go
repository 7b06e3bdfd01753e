package hostile

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// defaultMaxTime bounds every case: "a few seconds" on a busy 2-core CI box.
const defaultMaxTime = 10 * time.Second

// defaultMaxRSS bounds the peak memory of every case. slimcheck's own
// baseline (binary, attribution tables, a small report) is ~40 MiB.
const defaultMaxRSS = 256 * mib

// imageCase is one crafted image and what slimcheck must make of it.
type imageCase struct {
	name  string
	build func(t *testing.T) (ref string, names []string) // names: what an error must mention
	args  []string                                        // extra flags
	fail  bool                                            // exit 2 expected (else a report)
	check func(t *testing.T, r *report.Report)            // on the JSON report of a success
	time  time.Duration                                   // default defaultMaxTime
	rss   int64                                           // default defaultMaxRSS
}

// TestHostileImages runs every crafted image through `slimcheck analyze`,
// in JSON to an -o file and in text to stdout, and checks the exit code,
// the error line or the report, time and peak memory, and that a failed run
// leaves no output file.
func TestHostileImages(t *testing.T) {
	t.Parallel()
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ref, names := c.build(t)
			runCase(t, c, ref, names)
		})
	}
}

func runCase(t *testing.T, c imageCase, ref string, names []string) {
	t.Helper()
	maxTime, maxRSS := c.time, c.rss
	if maxTime == 0 {
		maxTime = defaultMaxTime
	}
	if maxRSS == 0 {
		maxRSS = defaultMaxRSS
	}
	outDir := t.TempDir()
	out := filepath.Join(outDir, "report.json")
	args := append([]string{"analyze", "--format", "json", "--files", "-o", out}, c.args...)
	r := slimcheck(t, runOpts{}, append(args, ref)...)
	t.Logf("json: exit %d in %s, peak RSS %d MiB", r.code, r.elapsed.Round(time.Millisecond), r.maxRSS>>20)
	wantBounded(t, r, maxTime, maxRSS)
	if c.fail {
		wantError(t, r, names...)
		if left := dirNames(t, outDir); len(left) > 0 {
			t.Errorf("failed run left %q in the output directory", left)
		}
	} else {
		wantOK(t, r)
		if left := dirNames(t, outDir); len(left) != 1 || left[0] != "report.json" {
			t.Errorf("output directory holds %q, want only report.json", left)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(raw) {
			t.Error("the JSON report is not valid UTF-8")
		}
		var rep report.Report
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatalf("parsing the JSON report: %v", err)
		}
		checkReport(t, &rep)
		if c.check != nil {
			c.check(t, &rep)
		}
	}

	text := slimcheck(t, runOpts{}, append(append([]string{"analyze"}, c.args...), ref)...)
	t.Logf("text: exit %d in %s, peak RSS %d MiB", text.code, text.elapsed.Round(time.Millisecond), text.maxRSS>>20)
	wantBounded(t, text, maxTime, maxRSS)
	if c.fail {
		wantError(t, text, names...)
		if text.stderr != r.stderr {
			t.Errorf("text and JSON runs fail differently:\n%s\n%s", text.stderr, r.stderr)
		}
		return
	}
	wantOK(t, text)
	if strings.ContainsRune(text.stdout, 0x1b) {
		i := strings.IndexRune(text.stdout, 0x1b)
		t.Errorf("text report to a non-terminal carries an escape character from the image: %q", text.stdout[max(0, i-40):min(len(text.stdout), i+40)])
	}
	if !strings.Contains(text.stdout, "Efficiency") {
		t.Errorf("text report lacks the dive metrics:\n%s", clip(text.stdout, 2000))
	}
}

// checkReport checks what must hold of any report: paths are absolute and
// clean (nothing escapes "/"), sizes are not negative, layer indexes are in
// range.
func checkReport(t *testing.T, r *report.Report) {
	t.Helper()
	if r.Image.SizeBytes < 0 || r.Image.FinalBytes < 0 || r.Image.TarBytes < 0 || r.Image.CompressedBytes < 0 {
		t.Errorf("negative image sizes: %+v", r.Image)
	}
	if len(r.Files) == 0 && len(r.Layers) > 0 {
		t.Error("--files gave no files")
	}
	bad := 0
	for _, f := range r.Files {
		if !strings.HasPrefix(f.Path, "/") || path.Clean(f.Path) != f.Path || (f.Path == "/" && f.Type != "opaque") {
			if bad++; bad <= 5 {
				t.Errorf("file path %q is not a clean absolute path below /", clip(f.Path, 200))
			}
		}
		if f.Bytes < 0 {
			t.Errorf("file %q has %d bytes", clip(f.Path, 200), f.Bytes)
		}
		if f.Layer < 0 || f.Layer >= len(r.Layers) {
			t.Errorf("file %q in layer %d of %d", clip(f.Path, 200), f.Layer, len(r.Layers))
		}
	}
	for _, p := range r.Largest.Files {
		if !strings.HasPrefix(p.Path, "/") || path.Clean(p.Path) != p.Path {
			t.Errorf("largest-file path %q is not clean", clip(p.Path, 200))
		}
	}
}

// findFile returns the report entries at p.
func findFile(r *report.Report, p string) []report.File {
	var out []report.File
	for _, f := range r.Files {
		if f.Path == p {
			out = append(out, f)
		}
	}
	return out
}

// wantFile checks that p is in the report with the given type and status.
func wantFile(t *testing.T, r *report.Report, p, typ, status string) {
	t.Helper()
	for _, f := range findFile(r, p) {
		if f.Type == typ && f.Status == status {
			return
		}
	}
	t.Errorf("report lacks %s %q (%s); it has %v", typ, clip(p, 200), status, findFile(r, p))
}

// layoutBlobCase writes a two-layer image as an OCI layout, lets tamper
// change the file of one blob (which: "config", "manifest", "layer", or
// "dir" for any), and expects an error naming the layout and want.
func layoutBlobCase(name, which string, tamper func(t *testing.T, path string), want string) imageCase {
	return imageCase{
		name: name,
		build: func(t *testing.T) (string, []string) {
			img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10)))
			dir := layout(t, img)
			var h v1.Hash
			var err error
			switch which {
			case "config":
				h, err = img.ConfigName()
			case "manifest":
				h, err = img.Digest()
			default:
				h = layerHash(t, img, 1)
			}
			if err != nil {
				t.Fatal(err)
			}
			tamper(t, blobPath(dir, h))
			return dir, []string{dir, want}
		},
		fail: true,
		time: 5 * time.Second,
		rss:  128 * mib,
	}
}

func hostileCases() []imageCase {
	return []imageCase{
		{
			// A sparse entry's holes are never read (nor hashed): a
			// 1.5 kB layer declaring a 1 TiB hole is indexed at once.
			name: "sparse file of 1 TiB, all hole, no --max-uncompressed",
			build: func(t *testing.T) (string, []string) {
				raw := cat(sparseHeader(t, "hole", 1<<40), endOfArchive)
				return archive(t, image(t, v1.Config{}, rawLayer(raw))), nil
			},
			check: func(t *testing.T, r *report.Report) { wantFile(t, r, "/hole", "file", "visible") },
			time:  10 * time.Second,
		},
		{
			name: "traversal and absolute paths",
			build: func(t *testing.T) (string, []string) {
				host := t.TempDir() // a real host directory an escaping entry would reach
				img := image(t, v1.Config{},
					imagetest.Layer(t,
						imagetest.File("../../etc/passwd", 1),
						imagetest.File("/abs/file", 2),
						imagetest.File("./a/../../b", 3),
						imagetest.File("../../../../../../.."+host+"/escaped", 4),
						imagetest.File(host+"/absolute", 5),
						imagetest.Dir("../../../../evil/"),
						imagetest.File("../../../../evil/../../payload", 6),
						imagetest.Hardlink("x", "../../../etc/shadow"),
						imagetest.Symlink("s", "../../../../root"),
						imagetest.Symlink("abs", "/etc/shadow"),
						imagetest.Whiteout("../../usr/bin/tool"),
					))
				t.Cleanup(func() {
					if left, _ := os.ReadDir(host); len(left) > 0 {
						t.Errorf("an image entry was written on the host: %s/%s", host, left[0].Name())
					}
				})
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/etc/passwd", "file", "visible")
				wantFile(t, r, "/b", "file", "visible")
				wantFile(t, r, "/payload", "file", "visible")
				wantFile(t, r, "/x", "hardlink", "visible")
				wantFile(t, r, "/usr/bin/tool", "file", "deleted")
			},
		},
		{
			name: "symlink loops",
			build: func(t *testing.T) (string, []string) {
				chain := []imagetest.Entry{imagetest.Dir("chain/")}
				for i := range 100 {
					chain = append(chain, imagetest.Symlink(fmt.Sprintf("chain/%d", i), fmt.Sprintf("%d", i+1)))
				}
				chain = append(chain, imagetest.Symlink("chain/100", "0"))
				img := image(t, v1.Config{Entrypoint: []string{"/app/run"}, Cmd: []string{"/loop/a"}},
					imagetest.Layer(t,
						imagetest.Dir("loop/"),
						imagetest.Symlink("loop/a", "b"),
						imagetest.Symlink("loop/b", "a"),
						imagetest.Symlink("loop/self", "self"),
						imagetest.Symlink("loop/dot", "."),
						imagetest.Symlink("loop/up", ".."),
						imagetest.Symlink("loop/grow", "grow/grow/grow"),
						imagetest.Symlink("etc/os-release", "os-release"),
						imagetest.Symlink("usr/lib/os-release", "../../usr/lib/os-release"),
						imagetest.Symlink("var/lib/dpkg", "dpkg"),
						imagetest.Symlink("lib", "lib/lib"),
						imagetest.Dir("app/"),
						imagetest.Symlink("app/run", "/app/run"),
						imagetest.Symlink("app/package.json", "../app/package.json"),
					),
					imagetest.Layer(t, chain...))
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/loop/a", "symlink", "visible")
				wantFile(t, r, "/etc/os-release", "symlink", "visible")
				wantFile(t, r, "/chain/100", "symlink", "visible")
			},
		},
		{
			name: "hardlinks to missing targets",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{},
					imagetest.Layer(t,
						imagetest.Dir("h/"),
						imagetest.Hardlink("h/missing", "no/such/file"),
						imagetest.Hardlink("h/self", "h/self"),
						imagetest.Hardlink("h/a", "h/b"),
						imagetest.Hardlink("h/b", "h/a"),
						imagetest.Hardlink("h/dir", "etc"),
						imagetest.Hardlink("h/lower", "usr/bin/tool"),
						imagetest.Hardlink("h/root", "/"),
						imagetest.Hardlink("h/empty", ""),
					))
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/h/missing", "hardlink", "visible")
				wantFile(t, r, "/h/self", "hardlink", "visible")
			},
		},
		{
			name: "non-UTF-8 names",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{Env: []string{"BAD=\xff\xfe"}, Labels: map[string]string{"\xc0": "\xff"}},
					imagetest.Layer(t,
						imagetest.File("bad\xff\xfename", 5),
						imagetest.Dir("dir\xc0\x80/"),
						imagetest.File("dir\xc0\x80/file", 1),
						imagetest.File("\xed\xa0\x80surrogate", 1),
						imagetest.Symlink("link\xff", "target\xfe"),
						imagetest.File("ok-\u00e9\u4e16", 1),
					))
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/ok-\u00e9\u4e16", "file", "visible")
				n := 0
				for _, f := range r.Files {
					if strings.HasSuffix(f.Path, "name") || strings.HasSuffix(f.Path, "surrogate") || strings.HasSuffix(f.Path, "/file") {
						n++
					}
				}
				if n != 3 {
					t.Errorf("%d of the 3 non-UTF-8 files are in the report", n)
				}
			},
		},
		{
			name: "control characters in names and config",
			build: func(t *testing.T) (string, []string) {
				esc := "\x1b[2J\x1b]0;pwned\x07"
				img := imagetest.Image(t,
					v1.Config{Labels: map[string]string{"x" + esc: esc}, Env: []string{"E=" + esc}, Entrypoint: []string{"/bin/" + esc}, WorkingDir: "/" + esc, User: esc},
					[]string{"ADD base", "RUN echo " + esc + " && rm -rf /\r\nRUN fake"},
					base(t),
					imagetest.Layer(t,
						imagetest.File("esc"+esc, 50000),
						imagetest.File("new\nline", 40000),
						imagetest.File("cr\rname", 30000),
						imagetest.File("bell\a\b\x7f", 20000),
						imagetest.Symlink("lnk"+esc, esc),
					))
				return archive(t, img), nil
			},
		},
		{
			name: "10 kB names",
			build: func(t *testing.T) (string, []string) {
				long := strings.Repeat("n", 10000)
				deep := "deep/" + strings.Repeat("d/", 2000) + "f" // deeper: "one path of 100k components"
				img := image(t, v1.Config{WorkingDir: "/" + long},
					imagetest.Layer(t,
						imagetest.File(long, 10),
						imagetest.Dir(long+"/"),
						imagetest.File(long+"/"+long, 11),
						imagetest.File(deep, 12),
						imagetest.Symlink("longlink", strings.Repeat("../", 3000)+long),
						imagetest.Hardlink("longhard", long+"/"+long),
					),
					imagetest.Layer(t, imagetest.Whiteout(long+"/"+long), imagetest.Opaque(path.Dir(deep))))
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				long := "/" + strings.Repeat("n", 10000)
				wantFile(t, r, long, "dir", "visible")
				wantFile(t, r, long+"/"+strings.Repeat("n", 10000), "file", "deleted")
				wantFile(t, r, "/deep/"+strings.Repeat("d/", 2000)+"f", "file", "deleted")
			},
		},
		{
			// Once minutes and gigabytes (dive's metrics re-walked and
			// re-hashed every ancestor, the summary keyed a map by each
			// one, the rule matcher kept a state per level).
			name: "one path of 100k components",
			build: func(t *testing.T) (string, []string) {
				deep := strings.Repeat("d/", 100_000) + "f"
				return archive(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File(deep, 1)))), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/"+strings.Repeat("d/", 100_000)+"f", "file", "visible")
			},
		},
		{
			name: "200 layers",
			build: func(t *testing.T) (string, []string) {
				gens := []tarGen{entries(imagetest.Dir("etc"), imagetest.Text("etc/os-release", "ID=debian\n"))}
				for i := range 200 {
					gens = append(gens, entries(
						imagetest.File(fmt.Sprintf("layer/%03d", i), int64(i)),
						imagetest.File("shared/file", 1000),
						imagetest.Whiteout(fmt.Sprintf("layer/%03d", i-1))))
				}
				return streamArchive(t, v1.Config{}, gens...), nil
			},
			check: func(t *testing.T, r *report.Report) {
				if len(r.Layers) != 201 {
					t.Errorf("%d layers in the report, want 201", len(r.Layers))
				}
				wantFile(t, r, "/layer/199", "file", "visible")
				wantFile(t, r, "/layer/100", "file", "deleted")
				if r.Dive.WastedBytes < 199*1000 {
					t.Errorf("wasted %d bytes, want at least the 199 overwritten copies of /shared/file", r.Dive.WastedBytes)
				}
			},
		},
		{
			name: "empty image",
			build: func(t *testing.T) (string, []string) {
				return archive(t, emptyImage(t)), nil
			},
			check: func(t *testing.T, r *report.Report) {
				if len(r.Layers) != 0 || r.Image.SizeBytes != 0 || r.Image.FinalFiles != 0 {
					t.Errorf("empty image reported as %d layers, %d bytes, %d files", len(r.Layers), r.Image.SizeBytes, r.Image.FinalFiles)
				}
			},
		},
		{
			name: "empty layers",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{},
					rawLayer(endOfArchive),        // an empty tar
					rawLayer(nil),                 // zero bytes: not even an end marker
					rawLayer(gz(t, endOfArchive)), // gzip of an empty tar
					rawLayer(gz(t, nil)))          // gzip of nothing
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				if len(r.Layers) != 5 {
					t.Errorf("%d layers, want 5", len(r.Layers))
				}
			},
		},
		{
			name: "no history",
			build: func(t *testing.T) (string, []string) {
				img := withoutHistory(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10))))
				return archive(t, img), nil
			},
			check: func(t *testing.T, r *report.Report) {
				if len(r.Layers) != 2 {
					t.Errorf("%d layers, want 2", len(r.Layers))
				}
				wantFile(t, r, "/app/x", "file", "visible")
			},
		},
		{
			name: "special files and duplicates",
			build: func(t *testing.T) (string, []string) {
				es := []imagetest.Entry{
					{Path: "dev/null", Type: tar.TypeChar},
					{Path: "dev/sda", Type: tar.TypeBlock},
					{Path: "run/fifo", Type: tar.TypeFifo},
					{Path: "weird", Type: 'Z'},
				}
				for range 5000 {
					es = append(es, imagetest.File("dup/same", 100))
				}
				es = append(es, imagetest.Whiteout("dup/same"), imagetest.Opaque("/"), imagetest.Opaque("dup"))
				return archive(t, image(t, v1.Config{}, imagetest.Layer(t, es...))), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/dev/null", "other", "visible")
				wantFile(t, r, "/dup/same", "file", "visible")
				wantFile(t, r, "/dup/same", "file", "shadowed")
			},
		},
		{
			name: "100k tiny files",
			build: func(t *testing.T) (string, []string) {
				gen := func(tw *tar.Writer) error {
					for i := range 100_000 {
						if err := writeEntry(tw, imagetest.File(fmt.Sprintf("many/%03d/%d", i%1000, i), 1)); err != nil {
							return err
						}
					}
					return nil
				}
				return streamArchive(t, v1.Config{}, entries(imagetest.Dir("etc")), gen), nil
			},
			check: func(t *testing.T, r *report.Report) {
				if r.Image.FinalFiles < 100_000 {
					t.Errorf("%d final files, want at least 100000", r.Image.FinalFiles)
				}
			},
			time: 20 * time.Second,
			rss:  384 * mib,
		},
		{
			name: "gzip bomb streams in bounded memory",
			build: func(t *testing.T) (string, []string) {
				member := gzZeros(t, 16*mib)
				stored := gz(t, header(t, "bomb", tar.TypeReg, gib))
				for range gib / (16 * mib) {
					stored = append(stored, member...)
				}
				stored = append(stored, gz(t, endOfArchive)...)
				return archive(t, image(t, v1.Config{}, rawLayer(stored))), nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/bomb", "file", "visible")
				if r.Image.TarBytes < gib {
					t.Errorf("tar bytes %d, want the whole GiB streamed", r.Image.TarBytes)
				}
			},
			time: 20 * time.Second,
		},
		{
			name: "gzip bomb over --max-uncompressed",
			build: func(t *testing.T) (string, []string) {
				member := gzZeros(t, 16*mib)
				stored := gz(t, header(t, "bomb", tar.TypeReg, 64*gib))
				for range 64 {
					stored = append(stored, member...)
				}
				img := image(t, v1.Config{}, rawLayer(stored))
				return archive(t, img), []string{"uncompressed", "layer 1 (" + diffID(t, img, 1)}
			},
			args: []string{"--max-uncompressed", "100MB"},
			fail: true,
			time: 5 * time.Second,
		},
		{
			name: "many small files over --max-uncompressed",
			build: func(t *testing.T) (string, []string) {
				es := make([]imagetest.Entry, 0, 3000)
				for i := range 3000 {
					es = append(es, imagetest.File(fmt.Sprintf("f/%d", i), 10*kib))
				}
				// One layer: the limit is shared by the layers read at once,
				// so with a second layer the file being read when the total
				// crosses it depends on how the two interleave (see the
				// table row), and the text and JSON runs could name
				// different files.
				img := imagetest.Image(t, v1.Config{}, []string{"RUN step 0"}, imagetest.Layer(t, es...))
				return archive(t, img), []string{"uncompressed", "layer 0 (", "/f/930"}
			},
			args: []string{"--max-uncompressed", "10MB"},
			fail: true,
		},
		{
			name: "1 TB file header with truncated data",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, rawLayer(gz(t, cat(header(t, "huge", tar.TypeReg, 1<<40), make([]byte, 4096)))))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1), "/huge"}
			},
			fail: true,
		},
		{
			name: "1 TB file header with truncated data, uncompressed",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, rawLayer(cat(header(t, "huge", tar.TypeReg, 1<<40), make([]byte, 4096))))
				return layout(t, img), []string{"layer 1 (" + layerDigest(t, img, 1), "/huge"}
			},
			fail: true,
		},
		{
			name: "truncated gzip layer",
			build: func(t *testing.T) (string, []string) {
				full := gz(t, imagetest.TarBytes(t, imagetest.File("a", 100000), imagetest.File("b", 100000)))
				img := image(t, v1.Config{}, rawLayer(full[:len(full)/2]))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1)}
			},
			fail: true,
		},
		{
			name: "corrupt gzip layer",
			build: func(t *testing.T) (string, []string) {
				full := gz(t, imagetest.TarBytes(t, imagetest.Text("a", strings.Repeat("hello ", 10000))))
				full[len(full)/2] ^= 0xff
				img := image(t, v1.Config{}, rawLayer(full))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1)}
			},
			fail: true,
		},
		{
			name: "layer that is not a tar",
			build: func(t *testing.T) (string, []string) {
				rng := rand.New(rand.NewPCG(7, 8))
				junk := make([]byte, 10000)
				for i := range junk {
					junk[i] = byte(rng.UintN(256))
				}
				img := image(t, v1.Config{}, rawLayer(junk))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1)}
			},
			fail: true,
		},
		{
			name: "truncated archive file",
			build: func(t *testing.T) (string, []string) {
				p := archive(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("a", 200000))))
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, raw[:len(raw)*2/3], 0o644); err != nil {
					t.Fatal(err)
				}
				return p, []string{p}
			},
			fail: true,
		},
		{
			name: "OCI layout: layer bytes do not match the digest",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/real", 1000)))
				dir := layout(t, img)
				d := layerDigest(t, img, 1)
				// Another valid layer in its place: only the digest can tell.
				replaceBlob(t, dir, img, 1, gz(t, imagetest.TarBytes(t, imagetest.File("app/forged", 1000))))
				return dir, []string{"layer 1 (" + d, "digest"}
			},
			fail: true,
		},
		{
			name: "OCI archive: layer bytes do not match the digest",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/real", 1000)))
				dir := layout(t, img)
				d := layerDigest(t, img, 1)
				replaceBlob(t, dir, img, 1, gz(t, imagetest.TarBytes(t, imagetest.File("app/forged", 1000))))
				p := filepath.Join(t.TempDir(), "oci.tar")
				if err := imagetest.TarDir(p, dir); err != nil {
					t.Fatal(err)
				}
				return "oci:" + p, []string{"layer 1 (" + d, "digest"}
			},
			fail: true,
		},
		{
			// A docker archive records only diff IDs; checking them costs a
			// sha256 pass over every uncompressed byte, so the CLI reports
			// the bytes present unless asked to --verify (next case).
			name: "docker archive: layer bytes do not match the diff ID",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/real", 1000)))
				p := archive(t, img)
				forged := gz(t, imagetest.TarBytes(t, imagetest.File("app/forged", 1000)))
				rewriteArchiveLayer(t, p, 1, forged)
				return p, nil
			},
			check: func(t *testing.T, r *report.Report) {
				wantFile(t, r, "/app/forged", "file", "visible")
				if len(findFile(r, "/app/real")) != 0 {
					t.Error("the report shows the layer the config promised, not the bytes present")
				}
			},
		},
		{
			name: "docker archive: layer bytes do not match the diff ID, --verify",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/real", 1000)))
				p := archive(t, img)
				forged := gz(t, imagetest.TarBytes(t, imagetest.File("app/forged", 1000)))
				rewriteArchiveLayer(t, p, 1, forged)
				return p, []string{"layer 1 (" + diffID(t, img, 1), "digest"}
			},
			args: []string{"--verify"},
			fail: true,
		},
		{
			name: "OCI layout: manifest points at a missing layer blob",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10)))
				dir := layout(t, img)
				removeBlob(t, dir, layerDigest(t, img, 1), img, 1)
				return dir, []string{dir, "layer 1 (" + layerDigest(t, img, 1)}
			},
			fail: true,
		},
		{
			name: "OCI layout: manifest points at a missing config blob",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10)))
				dir := layout(t, img)
				cfg, err := img.ConfigName()
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(filepath.Join(dir, "blobs", cfg.Algorithm, cfg.Hex)); err != nil {
					t.Fatal(err)
				}
				return dir, []string{dir, cfg.Hex[:12]}
			},
			fail: true,
		},
		{
			name: "OCI layout: index points at a missing manifest",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10)))
				dir := layout(t, img)
				m, err := img.Digest()
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(filepath.Join(dir, "blobs", m.Algorithm, m.Hex)); err != nil {
					t.Fatal(err)
				}
				return dir, []string{dir}
			},
			fail: true,
		},
		layoutBlobCase("OCI layout: config blob is a 3 GiB sparse file", "config", func(t *testing.T, p string) {
			if err := os.Truncate(p, 3*gib); err != nil {
				t.Fatal(err)
			}
		}, "limit"),
		layoutBlobCase("OCI layout: manifest blob is a 3 GiB sparse file", "manifest", func(t *testing.T, p string) {
			if err := os.Truncate(p, 3*gib); err != nil {
				t.Fatal(err)
			}
		}, "limit"),
		layoutBlobCase("OCI layout: layer blob is a 3 GiB sparse file", "layer", func(t *testing.T, p string) {
			if err := os.Truncate(p, 3*gib); err != nil {
				t.Fatal(err)
			}
		}, "digest mismatch"),
		layoutBlobCase("OCI layout: manifest blob is a symlink to the zero device", "manifest", func(t *testing.T, p string) {
			os.Remove(p)
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"),
		layoutBlobCase("OCI layout: layer blob is a symlink to a host file", "layer", func(t *testing.T, p string) {
			os.Remove(p)
			if err := os.Symlink("/etc/hostname", p); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"),
		layoutBlobCase("OCI layout: config blob is a FIFO", "config", func(t *testing.T, p string) {
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"),
		layoutBlobCase("OCI layout: blobs directory is a symlink", "dir", func(t *testing.T, p string) {
			blobs := filepath.Dir(filepath.Dir(p))
			moved := blobs + ".real"
			if err := os.Rename(blobs, moved); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(moved, blobs); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"),
		{
			name: "docker archive: manifest.json lists a missing layer file",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10)))
				cfg, err := img.RawConfigFile()
				if err != nil {
					t.Fatal(err)
				}
				manifest := `[{"Config":"config.json","RepoTags":["hostile.example/app:1"],"Layers":["present.tar","missing/layer.tar"]}]`
				p := filepath.Join(t.TempDir(), "image.tar")
				tarFiles(t, p,
					tarFile{"config.json", cfg},
					tarFile{"present.tar", imagetest.TarBytes(t, imagetest.File("etc/x", 1))},
					tarFile{"manifest.json", []byte(manifest)})
				return p, []string{p, "missing/layer.tar"}
			},
			fail: true,
		},
		{
			name: "error naming a file with escape characters",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, rawLayer(gz(t, cat(header(t, "evil\x1b]0;pwned\x07\x1b[2J", tar.TypeReg, 1<<20), make([]byte, 100)))))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1), "evil"}
			},
			fail: true,
		},
		{
			name: "sparse file of 256 MiB, all hole",
			build: func(t *testing.T) (string, []string) {
				raw := cat(sparseHeader(t, "hole", 256*mib), endOfArchive)
				return archive(t, image(t, v1.Config{}, rawLayer(raw))), nil
			},
			check: func(t *testing.T, r *report.Report) { wantFile(t, r, "/hole", "file", "visible") },
		},
		{
			name: "sparse file of 1 TiB over --max-uncompressed",
			build: func(t *testing.T) (string, []string) {
				img := image(t, v1.Config{}, rawLayer(cat(sparseHeader(t, "hole", 1<<40), endOfArchive)))
				return archive(t, img), []string{"uncompressed", "layer 1 (" + diffID(t, img, 1), "/hole"}
			},
			args: []string{"--max-uncompressed", "1GB"},
			fail: true,
		},
		{
			name: "zstd frame declaring a 256 MiB window",
			build: func(t *testing.T) (string, []string) {
				frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x10} // single segment, content size 256 MiB
				frame = append(frame, 10<<3|1, 0, 0)                         // last block, raw, 10 bytes
				frame = append(frame, make([]byte, 10)...)
				img := image(t, v1.Config{}, static.NewLayer(frame, types.OCILayerZStd))
				return archive(t, img), []string{"layer 1 (" + diffID(t, img, 1)}
			},
			fail: true,
			rss:  128 * mib,
		},
		{
			name: "zstd frame declaring a 256 MiB window, OCI layout",
			build: func(t *testing.T) (string, []string) {
				frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x10}
				frame = append(frame, 10<<3|1, 0, 0)
				frame = append(frame, make([]byte, 10)...)
				img := image(t, v1.Config{}, static.NewLayer(frame, types.OCILayerZStd))
				return layout(t, img), []string{"layer 1 (" + layerDigest(t, img, 1)}
			},
			fail: true,
			rss:  128 * mib,
		},
	}
}
