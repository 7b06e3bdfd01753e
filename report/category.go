package report

// Category is the one cause every byte of every layer is attributed to.
type Category string

// The categories, in precedence order: when several apply, the first wins.
const (
	Wasted          Category = "wasted"           // stored but overwritten or deleted later
	BuildToolchain  Category = "build-toolchain"  // compilers, linkers, headers, -dev packages
	PackageCache    Category = "package-cache"    // apt/yum/apk/npm/pip/... caches
	DevDependencies Category = "dev-dependencies" // packages only devDependencies need
	Docs            Category = "docs"             // man/info/doc pages, locales, changelogs
	Temp            Category = "temp"             // /tmp, logs, .git in the app
	App             Category = "app"              // the application and its production dependencies
	Runtime         Category = "runtime"          // the language runtime
	OSBase          Category = "os-base"          // everything else
)

// Categories returns every category in precedence order.
func Categories() []Category {
	return []Category{Wasted, BuildToolchain, PackageCache, DevDependencies, Docs, Temp, App, Runtime, OSBase}
}

// NotNeededAtRuntime reports whether the category's bytes can be left out of
// a runtime image.
func (c Category) NotNeededAtRuntime() bool {
	switch c {
	case Wasted, BuildToolchain, PackageCache, DevDependencies, Docs, Temp:
		return true
	}
	return false
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}

// CategoryTotal is the bytes of one category over the whole image.
type CategoryTotal struct {
	Category    Category       `json:"category"`
	Bytes       int64          `json:"bytes"`
	Files       int            `json:"files"`
	Percent     float64        `json:"percent"` // of Image.SizeBytes, 0..100
	TopPackages []PackageBytes `json:"topPackages,omitempty"`
	TopDirs     []PathSize     `json:"topDirs,omitempty"`
	TopRules    []RuleBytes    `json:"topRules,omitempty"`
}

// PackageBytes is the bytes one OS package contributes.
type PackageBytes struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Manager string `json:"manager"`
	Bytes   int64  `json:"bytes"`
	Files   int    `json:"files"`
}

// RuleBytes is the bytes one path rule placed.
type RuleBytes struct {
	Rule    string `json:"rule"`
	Pattern string `json:"pattern"`
	Bytes   int64  `json:"bytes"`
	Files   int    `json:"files"`
}

// Evidence says why a file got its category.
type Evidence struct {
	Kind    string `json:"kind"`              // package, rule, lockfile, hidden
	Package string `json:"package,omitempty"` // owning OS package name
	Version string `json:"version,omitempty"`
	Manager string `json:"manager,omitempty"` // dpkg, apk, rpm
	Rule    string `json:"rule,omitempty"`    // rule id
	Pattern string `json:"pattern,omitempty"` // rule pattern
	Source  string `json:"source,omitempty"`  // lockfile or database path
	Detail  string `json:"detail,omitempty"`
}

// Package is one installed OS package.
type Package struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Arch     string   `json:"arch,omitempty"`
	Manager  string   `json:"manager"`
	Layer    int      `json:"layer"` // layer whose database first lists it
	Category Category `json:"category"`
	Bytes    int64    `json:"bytes"` // bytes of its files found in the image
	Files    int      `json:"files"`
	Missing  int      `json:"missingFiles,omitempty"` // listed files absent from the image
}

// Database is one package database found in the image.
type Database struct {
	Manager  string `json:"manager"`
	Path     string `json:"path"`
	Layer    int    `json:"layer"`
	Packages int    `json:"packages"`
}

// Ecosystem is what slimcheck learned about the application.
type Ecosystem struct {
	Name          string        `json:"name,omitempty"` // node, python, java, go, ruby, php, dotnet, static
	Version       string        `json:"version,omitempty"`
	VersionSource string        `json:"versionSource,omitempty"`
	AppDir        string        `json:"appDir,omitempty"`
	Entrypoint    []string      `json:"entrypoint,omitempty"` // ENTRYPOINT+CMD as run
	User          string        `json:"user,omitempty"`
	Libc          string        `json:"libc,omitempty"` // glibc, musl, none, unknown
	StaticBinary  string        `json:"staticBinary,omitempty"`
	NativeAddons  []NativeAddon `json:"nativeAddons,omitempty"`
	Evidence      []string      `json:"evidence,omitempty"`
}

// NativeAddon is a compiled extension the app loads.
type NativeAddon struct {
	Path   string   `json:"path"`
	Libc   string   `json:"libc"` // glibc, musl, unknown
	Needed []string `json:"needed,omitempty"`
}

// File is one entry of one layer with its attribution. Reports carry the
// full list only when asked (the TUI does); JSON omits it otherwise.
type File struct {
	Path     string   `json:"path"`
	Layer    int      `json:"layer"`
	Type     string   `json:"type"`   // file, dir, symlink, hardlink, other, whiteout, opaque
	Status   string   `json:"status"` // visible, overwritten, deleted, shadowed, marker
	Change   string   `json:"change"` // added, modified, removal
	Bytes    int64    `json:"bytes"`
	Mode     uint32   `json:"mode"`
	UID      uint32   `json:"uid"`
	GID      uint32   `json:"gid"`
	Link     string   `json:"link,omitempty"`
	Category Category `json:"category"`
	Evidence int      `json:"evidence"` // index into Report.Evidence, -1 for none
}
