package gen

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"
)

// packumentSizes are the sizes of the abbreviated ("corgi") registry
// documents npm caches for packages with very long version histories.
func packumentSizes() map[string]int64 {
	return map[string]int64{
		"typescript":  9_412_336,
		"@types/node": 4_871_204,
		"eslint":      1_284_771,
		"mocha":       482_114,
		"semver":      214_658,
		"express":     388_902,
		"acorn":       301_447,
		"ajv":         612_035,
		"nodemon":     498_261,
		"debug":       171_339,
		"tar":         236_190,
		"yargs":       402_877,
		"chokidar":    161_004,
		"qs":          132_567,
		"bcrypt":      98_115,
	}
}

// packumentSize is a package's cached packument size: a listed value, else a
// stable size between 6 and 90 kB.
func packumentSize(name string) int64 {
	if s, ok := packumentSizes()[name]; ok {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return 6_000 + int64(h.Sum32()%84_000)
}

// cacheEntry is one cacache record: a content blob and its index bucket line.
type cacheEntry struct {
	key       string
	url       string
	integrity string
	hexDigest string
	size      int64
	json      bool // packument (application/json) rather than a tarball
}

// npmCacheFiles lays out ~/.npm/_cacache after `npm install`: one content
// file per fetched tarball and packument under content-v2/sha512, and one
// index-v5 bucket per request key, in cacache's formats. Contents are
// zero-filled; index buckets are real JSON lines.
func npmCacheFiles(tree []npmPackage, when time.Time) ([]fileSpec, error) {
	type nv struct{ name, version string }
	tarballs := map[nv]int64{}
	names := map[string]bool{"fsevents": true} // resolved, then skipped on Linux
	for _, p := range tree {
		files, err := npmPackageFiles(p)
		if err != nil {
			return nil, err
		}
		var unpacked int64
		for _, f := range files {
			unpacked += f.size
		}
		name := npmName(p.path)
		tarballs[nv{name, p.version}] = max(1_024, unpacked/4)
		names[name] = true
	}
	var entries []cacheEntry
	for k, size := range tarballs {
		sri, hx := npmIntegrity("tarball", k.name, k.version)
		url := npmTarballURL(k.name, k.version)
		entries = append(entries, cacheEntry{key: "make-fetch-happen:request-cache:" + url, url: url, integrity: sri, hexDigest: hx, size: size})
	}
	for n := range names {
		sri, hx := npmIntegrity("packument", n, "")
		url := "https://registry.npmjs.org/" + strings.ReplaceAll(n, "/", "%2f")
		entries = append(entries, cacheEntry{key: "make-fetch-happen:request-cache:" + url, url: url, integrity: sri, hexDigest: hx, size: packumentSize(n), json: true})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })

	var out []fileSpec
	for i, e := range entries {
		out = append(out, fileSpec{rel: "_cacache/content-v2/sha512/" + e.hexDigest[:2] + "/" + e.hexDigest[2:4] + "/" + e.hexDigest[4:], size: e.size})
		line, err := cacheIndexLine(e, when.Add(time.Duration(i)*37*time.Millisecond))
		if err != nil {
			return nil, err
		}
		bucket := sha256.Sum256([]byte(e.key))
		bh := hex.EncodeToString(bucket[:])
		out = append(out, fileSpec{rel: "_cacache/index-v5/" + bh[:2] + "/" + bh[2:4] + "/" + bh[4:], size: int64(len(line)), content: line})
	}
	return out, nil
}

// httpTime is the HTTP date layout (net/http.TimeFormat).
const httpTime = "Mon, 02 Jan 2006 15:04:05 GMT"

// cacheIndexLine renders a cacache index bucket: "\n", the SHA-1 of the JSON
// entry, a tab, the entry.
func cacheIndexLine(e cacheEntry, at time.Time) ([]byte, error) {
	contentType := "application/octet-stream"
	reqHeaders := jsonObject{}
	if e.json {
		contentType = "application/json"
		reqHeaders = jsonObject{{"accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"}}
	}
	etag := e.hexDigest[:32]
	entry := jsonObject{
		{"key", e.key},
		{"integrity", e.integrity},
		{"time", at.UnixMilli()},
		{"size", e.size},
		{"metadata", jsonObject{
			{"url", e.url},
			{"reqHeaders", reqHeaders},
			{"resHeaders", jsonObject{
				{"cache-control", "public, max-age=300"},
				{"content-type", contentType},
				{"date", at.UTC().Format(httpTime)},
				{"etag", fmt.Sprintf("%q", etag)},
				{"last-modified", at.Add(-72 * time.Hour).UTC().Format(httpTime)},
			}},
			{"options", jsonObject{{"compress", true}}},
		}},
	}
	b, err := marshalNoEscape(entry)
	if err != nil {
		return nil, fmt.Errorf("rendering cache index entry for %s: %w", e.key, err)
	}
	sum := sha1.Sum(b)
	return []byte("\n" + hex.EncodeToString(sum[:]) + "\t" + string(b)), nil
}
