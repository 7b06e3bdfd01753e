package gen

import (
	"debug/elf"
	"fmt"
	"hash/fnv"
	"strings"
)

// fileSpec is one file of a package or tree, relative to its root.
type fileSpec struct {
	rel     string
	size    int64
	exec    bool
	content []byte // prefix of the file; the rest is zeros up to size
}

// npmPackageFiles lays out the files of an installed package: its real
// package.json, and zero-filled sources, README and LICENSE sized to add up to
// the package's unpacked size. typescript and bcrypt have their real layouts.
func npmPackageFiles(p npmPackage) ([]fileSpec, error) {
	pj, err := npmPackageJSON(p)
	if err != nil {
		return nil, fmt.Errorf("rendering %s/package.json: %w", p.path, err)
	}
	name := npmName(p.path)
	files := []fileSpec{{rel: "package.json", size: int64(len(pj)), content: pj}}
	switch name {
	case "typescript":
		return append(files, typescriptFiles()...), nil
	case "bcrypt":
		return append(files, bcryptFiles()...), nil
	}
	for _, b := range npmBins()[p.path] {
		_, rel, _ := strings.Cut(b, "=")
		files = append(files, fileSpec{rel: rel, size: 1_240, exec: true})
	}
	readme := clamp(p.size/8, 600, 24_000)
	files = append(files, fileSpec{rel: "LICENSE", size: 1_080}, fileSpec{rel: "README.md", size: readme})
	var used int64
	for _, f := range files {
		used += f.size
	}
	code := p.size - used
	n := clamp(code/9_000, 1, 36)
	if code < n*200 {
		code = n * 200
	}
	names := codeFileNames(name, int(n))
	weights := make([]int64, n)
	var total int64
	for i := range weights {
		h := fnv.New32a()
		fmt.Fprintf(h, "%s/%d", p.path, i)
		weights[i] = 1 + int64(h.Sum32()%7)
		total += weights[i]
	}
	var given int64
	for i, w := range weights {
		size := code * w / total
		if i == len(weights)-1 {
			size = code - given
		}
		given += size
		files = append(files, fileSpec{rel: names[i], size: size})
	}
	return files, nil
}

func clamp(v, lo, hi int64) int64 {
	return max(lo, min(v, hi))
}

// codeFileNames returns n plausible source file names for a package.
func codeFileNames(name string, n int) []string {
	stems := []string{"index", "utils", "parse", "format", "compile", "core", "types", "errors",
		"helpers", "options", "stream", "constants", "validate", "cli", "config", "cache",
		"async", "sync", "common", "browser", "node", "encode", "decode", "scanner"}
	out := make([]string, 0, n)
	dts := strings.HasPrefix(name, "@types/")
	for i := 0; i < n; i++ {
		stem := stems[i%len(stems)]
		if i >= len(stems) {
			stem = fmt.Sprintf("%s-%d", stem, i/len(stems))
		}
		switch {
		case dts:
			out = append(out, stem+".d.ts")
		case i == 0:
			out = append(out, "index.js")
		default:
			out = append(out, "lib/"+stem+".js")
		}
	}
	return out
}

// typescriptFiles is the layout of typescript@5.3.3 (bundled compiler and
// language service, the lib.*.d.ts files and localized diagnostics).
func typescriptFiles() []fileSpec {
	files := []fileSpec{
		{rel: "LICENSE.txt", size: 9_213},
		{rel: "README.md", size: 4_752},
		{rel: "SECURITY.md", size: 2_757},
		{rel: "ThirdPartyNoticeText.txt", size: 10_060},
		{rel: "bin/tsc", size: 45, exec: true},
		{rel: "bin/tsserver", size: 51, exec: true},
		{rel: "lib/tsc.js", size: 4_612_409},
		{rel: "lib/typescript.js", size: 6_934_112},
		{rel: "lib/tsserver.js", size: 6_501_977},
		{rel: "lib/tsserverlibrary.js", size: 1_239},
		{rel: "lib/typingsInstaller.js", size: 209_146},
		{rel: "lib/cancellationToken.js", size: 1_912},
		{rel: "lib/watchGuard.js", size: 1_018},
		{rel: "lib/typesMap.json", size: 17_972},
		{rel: "lib/typescript.d.ts", size: 488_329},
		{rel: "lib/tsserverlibrary.d.ts", size: 561_847},
		{rel: "lib/lib.dom.d.ts", size: 1_152_204},
		{rel: "lib/lib.webworker.d.ts", size: 497_371},
		{rel: "lib/lib.es5.d.ts", size: 216_288},
		{rel: "lib/lib.dom.iterable.d.ts", size: 19_283},
		{rel: "lib/lib.scripthost.d.ts", size: 9_873},
	}
	for _, l := range []string{"es2015", "es2015.collection", "es2015.core", "es2015.generator", "es2015.iterable",
		"es2015.promise", "es2015.proxy", "es2015.reflect", "es2015.symbol", "es2015.symbol.wellknown",
		"es2016", "es2016.array.include", "es2017", "es2017.date", "es2017.intl", "es2017.object",
		"es2017.sharedmemory", "es2017.string", "es2017.typedarrays", "es2018", "es2018.asyncgenerator",
		"es2018.asynciterable", "es2018.intl", "es2018.promise", "es2018.regexp", "es2019", "es2019.array",
		"es2019.intl", "es2019.object", "es2019.string", "es2019.symbol", "es2020", "es2020.bigint",
		"es2020.date", "es2020.intl", "es2020.number", "es2020.promise", "es2020.sharedmemory",
		"es2020.string", "es2020.symbol.wellknown", "es2021", "es2021.intl", "es2021.promise",
		"es2021.string", "es2021.weakref", "es2022", "es2022.array", "es2022.error", "es2022.intl",
		"es2022.object", "es2022.regexp", "es2022.sharedmemory", "es2022.string", "es2023",
		"es2023.array", "es2023.collection", "esnext", "esnext.decorators", "esnext.disposable",
		"esnext.full", "esnext.intl", "decorators", "decorators.legacy", "webworker.importscripts",
		"webworker.iterable", "es6", "es2016.full", "es2017.full", "es2018.full", "es2019.full",
		"es2020.full", "es2021.full", "es2022.full", "es2023.full"} {
		h := fnv.New32a()
		h.Write([]byte(l))
		files = append(files, fileSpec{rel: "lib/lib." + l + ".d.ts", size: 900 + int64(h.Sum32()%24_000)})
	}
	for i, loc := range []string{"cs", "de", "es", "fr", "it", "ja", "ko", "pl", "pt-br", "ru", "tr", "zh-cn", "zh-tw"} {
		files = append(files, fileSpec{rel: "lib/" + loc + "/diagnosticMessages.generated.json", size: 178_000 + int64(i)*6_113})
	}
	return files
}

// bcryptLibNeeded are the DT_NEEDED entries of bcrypt's prebuilt N-API
// binding for linux-x64-glibc.
func bcryptLibNeeded() []string {
	return []string{"libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libc.so.6"}
}

// bcryptFiles is the layout of bcrypt@5.1.1 after `node-pre-gyp install`
// fetched the prebuilt binding. The binding is a minimal valid ELF64 shared
// object whose dynamic section names glibc's libc.so.6, zero-padded to the
// real binary's size.
func bcryptFiles() []fileSpec {
	node := buildELF(elfSpec{typ: elf.ET_DYN, needed: bcryptLibNeeded()})
	return []fileSpec{
		{rel: "LICENSE", size: 1_121},
		{rel: "README.md", size: 12_322},
		{rel: "CHANGELOG.md", size: 4_137},
		{rel: "ISSUE_TEMPLATE.md", size: 786},
		{rel: "SECURITY.md", size: 293},
		{rel: "Dockerfile", size: 843},
		{rel: "Dockerfile-alpine", size: 461},
		{rel: "Makefile", size: 351},
		{rel: "appveyor.yml", size: 795},
		{rel: "bcrypt.js", size: 6_986},
		{rel: "promises.js", size: 1_193},
		{rel: "binding.gyp", size: 1_446},
		{rel: "build-all.sh", size: 826, exec: true},
		{rel: "examples/async_compare.js", size: 874},
		{rel: "examples/forever_gen_salt.js", size: 164},
		{rel: "src/bcrypt.cc", size: 8_279},
		{rel: "src/bcrypt_node.cc", size: 9_507},
		{rel: "src/blowfish.cc", size: 17_415},
		{rel: "src/node_blf.h", size: 4_402},
		{rel: "test-docker.sh", size: 404, exec: true},
		{rel: "test/async.test.js", size: 7_253},
		{rel: "test/implementation.test.js", size: 1_432},
		{rel: "test/promise.test.js", size: 7_734},
		{rel: "test/repetitions.test.js", size: 1_626},
		{rel: "test/sync.test.js", size: 5_829},
		{rel: "lib/binding/napi-v3/bcrypt_lib.node", size: 85_496, exec: true, content: node},
	}
}

// bcryptBindingPath is the native addon's path inside the app.
const bcryptBindingPath = "node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node"
