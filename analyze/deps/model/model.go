// Package model holds the plain data that dependency-scope analysis produces:
// project roots, the packages installed under them with a class (dev-only,
// production, extraneous) and the evidence for each class.
//
// It is a leaf package so that the ecosystem analysers (node, composer,
// python) and the orchestrating deps package can share the types without
// import cycles. Everything here is plain data with JSON tags.
package model

// Ecosystem names a language package ecosystem.
type Ecosystem string

// Ecosystems recognised by the analysers.
const (
	// Node is npm, yarn and pnpm projects (node_modules).
	Node Ecosystem = "node"
	// PHP is composer projects (vendor/).
	PHP Ecosystem = "php"
	// Python is pipenv and poetry projects (site-packages).
	Python Ecosystem = "python"
)

// Class says whether an installed package is needed at run time.
type Class string

// Classes of installed packages.
const (
	// Dev marks a package needed only by development dependencies.
	Dev Class = "dev"
	// Prod marks a package reachable from production dependencies.
	Prod Class = "prod"
	// Extraneous marks a package that is installed but that neither the
	// production nor the development dependency graph reaches.
	Extraneous Class = "extraneous"
)

// Evidence names the file and the rule that decided a package's class.
type Evidence struct {
	// Source is the absolute path of the file that said so.
	Source string `json:"source"`
	// How is a short human phrase naming the rule, e.g.
	// `lockfileVersion 3 "dev": true`.
	How string `json:"how"`
}

// Package is one installed package under a project root.
type Package struct {
	// Name is the package name as its ecosystem spells it.
	Name string `json:"name"`
	// Version is the installed version, when known.
	Version string `json:"version,omitempty"`
	// Paths are the absolute, cleaned paths that belong to this package:
	// directories (every file below belongs to it) or single files.
	Paths []string `json:"paths"`
	// Evidence says why the package has its class.
	Evidence Evidence `json:"evidence"`
}

// Root is one project root and the classification of what is installed
// for it.
type Root struct {
	// Dir is the absolute project directory, e.g. /opt/app-root/src.
	Dir string `json:"dir"`
	// Ecosystem is the package ecosystem of this root.
	Ecosystem Ecosystem `json:"ecosystem"`
	// Sources are the files whose statements were used, in preference order.
	Sources []string `json:"sources,omitempty"`
	// Dev are the installed packages needed only by development dependencies.
	Dev []Package `json:"dev,omitempty"`
	// Prod are the installed packages needed in production.
	Prod []Package `json:"prod,omitempty"`
	// Extraneous are installed packages nothing declared reaches.
	Extraneous []Package `json:"extraneous,omitempty"`
}

// Result lists every detected project root, sorted by Dir then Ecosystem.
type Result struct {
	// Roots are the detected project roots.
	Roots []Root `json:"roots,omitempty"`
}

// Problem reports an input that could not be used, such as a lockfile that
// does not parse. Analysis goes on with the next source.
type Problem struct {
	// Path is the absolute path of the file concerned.
	Path string `json:"path"`
	// Reason says what was wrong, in a short phrase.
	Reason string `json:"reason"`
}

// String formats the problem as "path: reason".
func (p Problem) String() string { return p.Path + ": " + p.Reason }
