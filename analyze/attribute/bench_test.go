package attribute

import (
	"context"
	"fmt"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// bigImage generates an image of about n entries shaped like a real one:
// a dpkg database owning a third of them (binaries, libraries, docs,
// locales, headers), a node project with a package-lock and a third of the
// entries in node_modules (half dev-only), and the rest spread over
// site-packages, caches, /tmp and unowned files.
func bigImage(n int) image {
	pkgs := n / 3 / 150
	deps := n / 3 / 100
	var status, lock strings.Builder
	var base, app []imagetest.Entry
	for i := 0; i < pkgs; i++ {
		name := fmt.Sprintf("pkg%d", i)
		if i%20 == 0 {
			name += "-dev"
		}
		status.WriteString("Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-" + fmt.Sprint(i) + "\nInstalled-Size: 100\n\n")
		var list strings.Builder
		for j := 0; j < 150; j++ {
			var p string
			switch j % 6 {
			case 0:
				p = fmt.Sprintf("/usr/bin/%s-tool%d", name, j)
			case 1:
				p = fmt.Sprintf("/usr/lib/x86_64-linux-gnu/%s/lib%d.so.1", name, j)
			case 2:
				p = fmt.Sprintf("/usr/share/doc/%s/file%d.txt", name, j)
			case 3:
				p = fmt.Sprintf("/usr/share/locale/de/LC_MESSAGES/%s-%d.mo", name, j)
			case 4:
				p = fmt.Sprintf("/usr/include/%s/h%d.h", name, j)
			default:
				p = fmt.Sprintf("/usr/share/%s/data/%d/x.dat", name, j)
			}
			list.WriteString(p + "\n")
			base = append(base, imagetest.File(p, int64(100+j)))
		}
		base = append(base, imagetest.Text("/var/lib/dpkg/info/"+name+".list", list.String()))
	}
	base = append(base, imagetest.Text("/var/lib/dpkg/status", status.String()))
	lock.WriteString(`{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"}`)
	for i := 0; i < deps; i++ {
		dir := fmt.Sprintf("/app/node_modules/dep%d", i)
		dev := i%2 == 0
		fmt.Fprintf(&lock, `,"node_modules/dep%d":{"version":"1.0.0","dev":%v}`, i, dev)
		app = append(app, imagetest.Text(dir+"/package.json", fmt.Sprintf(`{"name":"dep%d","version":"1.0.0"}`, i)))
		for j := 0; j < 99; j++ {
			app = append(app, imagetest.File(fmt.Sprintf("%s/lib/sub%d/f%d.js", dir, j%7, j), int64(200+j)))
		}
	}
	lock.WriteString("}}")
	app = append(app, imagetest.Text("/app/package.json", `{"name":"app"}`), imagetest.Text("/app/package-lock.json", lock.String()))
	rest := n - len(base) - len(app)
	for i := 0; i < rest; i++ {
		var p string
		switch i % 5 {
		case 0:
			p = fmt.Sprintf("/usr/local/lib/python3.12/site-packages/mod%d/f%d.py", i%300, i)
		case 1:
			p = fmt.Sprintf("/root/.npm/_cacache/content-v2/sha512/%02x/%d", i%256, i)
		case 2:
			p = fmt.Sprintf("/tmp/build/%d.o", i)
		case 3:
			p = fmt.Sprintf("/opt/vendor/thing%d/part%d.bin", i%100, i)
		default:
			p = fmt.Sprintf("/app/src/components/c%d/index%d.ts", i%500, i)
		}
		app = append(app, imagetest.File(p, int64(i%4096)))
	}
	return image{cfg: v1.Config{Cmd: []string{"node", "src/index.js"}, WorkingDir: "/app"}, layers: [][]imagetest.Entry{base, app}}
}

func BenchmarkAttribute200k(b *testing.B) {
	ix := walkImage(b, bigImage(200_000))
	entries := 0
	for _, l := range ix.Layers {
		entries += len(l.Entries)
	}
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		res, err := Attribute(context.Background(), ix, DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Packages) == 0 {
			b.Fatal("no packages")
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/float64(entries), "cpu-ns/entry")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(entries), "ns/entry")
	b.ReportMetric(float64(entries), "entries")
}

// BenchmarkMatch200k times the path rules alone over the same entries, in
// layer order: each path matched from the root, and with the states of the
// previous path's directories kept (as Attribute does).
func BenchmarkMatch200k(b *testing.B) {
	ix := walkImage(b, bigImage(200_000))
	m := newMatcher(append(DefaultRules(), dynamicRules([]string{"/", "/root"}, nil, "/app", nil, "")...))
	var paths []string
	for _, l := range ix.Layers {
		for _, e := range l.Entries {
			paths = append(paths, e.Path)
		}
	}
	for _, c := range []struct {
		name  string
		match func(string, bool) (int32, bool)
	}{{"matcher", m.match}, {"pathMatcher", newPathMatcher(m).match}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				for _, p := range paths {
					c.match(p, false)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/float64(len(paths)), "cpu-ns/entry")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(paths)), "ns/entry")
		})
	}
}

// TestBigImageInvariants keeps the benchmark's image honest: it
// attributes (a smaller version of) it and checks the invariants and that
// every kind of evidence shows up.
func TestBigImageInvariants(t *testing.T) {
	ix, res := run(t, bigImage(20_000), DefaultOptions())
	kinds := map[string]bool{}
	for _, e := range res.Table {
		kinds[e.Kind] = true
	}
	for _, k := range []string{KindPackage, KindRule, KindLockfile} {
		if !kinds[k] {
			t.Errorf("no %s evidence", k)
		}
	}
	t.Logf("%d entries: %s", countEntries(ix), formatTotals(totals(ix, res)))
}

func countEntries(ix *analyze.Index) int {
	n := 0
	for _, l := range ix.Layers {
		n += len(l.Entries)
	}
	return n
}
