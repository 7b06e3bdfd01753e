package recommend

import "github.com/slimcheck/slimcheck/report"

// SchemaVersion is the version of the plan's JSON document; it changes only
// when a field is renamed or removed.
const SchemaVersion = "1"

// Verdict is the plan's overall answer.
type Verdict string

// Verdicts.
const (
	// Split: a builder stage plus a runtime stage on a smaller base.
	Split Verdict = "split"
	// AlreadySlim: little is left to gain; at most quick wins are offered.
	AlreadySlim Verdict = "already-slim"
	// QuickWinsOnly: no split can be proposed (see Reasons); quick wins are.
	QuickWinsOnly Verdict = "quick-wins"
)

// PlanResult is the recommendation for one image: plain data, rendered to text,
// JSON, Dockerfiles and OpenShift objects. See docs/recommend.md.
type PlanResult struct {
	SchemaVersion string        `json:"schemaVersion"`
	Image         Image         `json:"image"`
	Verdict       Verdict       `json:"verdict"`
	Reasons       []string      `json:"reasons"` // why this verdict, one sentence each
	Ecosystem     Ecosystem     `json:"ecosystem"`
	Origin        Origin        `json:"origin"`
	Runtime       *RuntimeBase  `json:"runtime,omitempty"` // chosen runtime base; nil unless Verdict is split
	Alternatives  []RuntimeBase `json:"alternatives,omitempty"`
	Rejected      []Rejection   `json:"rejected,omitempty"` // catalog entries ruled out, with why
	Builder       Builder       `json:"builder"`
	Copy          CopySet       `json:"copy"`
	Config        Config        `json:"config"`
	Estimate      Estimate      `json:"estimate"`
	QuickWins     []QuickWin    `json:"quickWins"`
	Findings      []Finding     `json:"findings"`
}

// Image identifies the analyzed image.
type Image struct {
	Reference       string `json:"reference"`
	Digest          string `json:"digest,omitempty"`
	Platform        string `json:"platform,omitempty"`
	SizeBytes       int64  `json:"sizeBytes"`
	CompressedBytes int64  `json:"compressedBytes"`
}

// Ecosystem is the part of the report's ecosystem the plan relies on.
type Ecosystem struct {
	Name         string `json:"name,omitempty"`
	Version      string `json:"version,omitempty"`
	VersionKey   string `json:"versionKey,omitempty"` // what catalog versions are matched against: "20", "3.12", "21"
	AppDir       string `json:"appDir,omitempty"`
	Libc         string `json:"libc,omitempty"`
	LibcVersion  string `json:"libcVersion,omitempty"` // from the glibc/libc6/musl package, when known
	StaticBinary string `json:"staticBinary,omitempty"`
	GlibcAddons  int    `json:"glibcAddons,omitempty"` // native addons linking glibc
	MuslAddons   int    `json:"muslAddons,omitempty"`  // native addons linking musl
}

// Origin is what the plan learned about how the image was built.
type Origin struct {
	// Base is the image the build started FROM, "" when unknown.
	Base string `json:"base,omitempty"`
	// BaseEvidence says how Base was found.
	BaseEvidence string `json:"baseEvidence,omitempty"`
	// BaseLayers is how many of the image's layers the base contributed.
	BaseLayers int `json:"baseLayers"`
	// Family is the OS family: ubi (RHEL, CentOS, Rocky…), debian, ubuntu, alpine, distroless, unknown.
	Family string `json:"family"`
	// S2I is true for images built by source-to-image.
	S2I bool `json:"s2i,omitempty"`
	// OpenShift is set when io.openshift.build.* labels describe the build.
	OpenShift *OpenShiftBuild `json:"openshift,omitempty"`
}

// OpenShiftBuild is the build OpenShift recorded in io.openshift.build.* labels.
type OpenShiftBuild struct {
	BuilderImage   string `json:"builderImage,omitempty"`
	SourceLocation string `json:"sourceLocation,omitempty"`
	Ref            string `json:"ref,omitempty"`
	ContextDir     string `json:"contextDir,omitempty"`
	Commit         string `json:"commit,omitempty"`
	Name           string `json:"name,omitempty"`
	Namespace      string `json:"namespace,omitempty"`
}

// RuntimeBase is a runtime base image and why it fits.
type RuntimeBase struct {
	Image       string   `json:"image"`
	Family      string   `json:"family"`
	Libc        string   `json:"libc"`
	LibcVersion string   `json:"libcVersion,omitempty"`
	Shell       bool     `json:"shell"`
	Interpreter string   `json:"interpreter,omitempty"`
	Source      string   `json:"source"` // catalog, or override (--runtime-base)
	Why         []string `json:"why,omitempty"`
	Size        BaseInfo `json:"size"`
}

// Rejection is a catalog entry that does not fit, and why.
type Rejection struct {
	Image  string `json:"image"`
	Reason string `json:"reason"`
}

// Builder is the builder stage: the original build, replayed, then pruned.
type Builder struct {
	From     string `json:"from"`               // FROM of the builder stage
	FromNote string `json:"fromNote,omitempty"` // how From was chosen
	Steps    []Step `json:"steps"`              // recovered build steps after the base
	// Prune are shell commands run after the steps that remove dev
	// dependencies the way their package manager does (npm prune --omit=dev…).
	Prune []string `json:"prune,omitempty"`
	// Remove are the exact paths deleted in the builder before the runtime
	// stage copies: everything in Copy.Exclude.
	Remove []string `json:"remove,omitempty"`
	// Tools are the commands the builder stage needs and has (rm, npm…).
	Tools []string `json:"tools,omitempty"`
}

// Step is one recovered build step.
type Step struct {
	Layer       int      `json:"layer"`                 // layer index
	Instruction string   `json:"instruction"`           // RUN, COPY, ADD, WORKDIR, USER or "" for a comment-only step
	Args        []string `json:"args,omitempty"`        // RUN: one shell command; COPY/ADD: sources then destination; others: one value
	Flags       []string `json:"flags,omitempty"`       // --mount=…, --chown=… as recorded
	BuildArgs   []string `json:"buildArgs,omitempty"`   // ARG names the step used (values never kept)
	Comment     string   `json:"comment,omitempty"`     // shown above the step, or instead of it
	CreatedBy   string   `json:"createdBy"`             // the history entry, with secret values redacted
	Replay      bool     `json:"replay"`                // false: written as a comment only
	SecretNames []string `json:"secretNames,omitempty"` // build args that looked like secrets
}

// CopySet is exactly what the runtime stage takes from the builder: the
// visible files of the source image's final filesystem under the Include
// paths, minus those under the Exclude paths. Select resolves it over
// report.Files; Files and Bytes are its totals.
type CopySet struct {
	Include []CopyPath  `json:"include"`
	Exclude []Exclusion `json:"exclude"`
	Files   int         `json:"files"` // non-directory entries copied
	Bytes   int64       `json:"bytes"` // their sizes, as the analyzer measures them
	// NotCopied lists top-level entries of the app directory (or siblings of
	// a binary) the plan leaves out without a category saying so.
	NotCopied []PathBytes `json:"notCopied,omitempty"`
}

// CopyPath is one path the runtime stage copies to the same place.
type CopyPath struct {
	Path     string `json:"path"`               // absolute, cleaned
	Type     string `json:"type"`               // dir, file, symlink
	Resolved string `json:"resolved,omitempty"` // for a symlink: the file copied in its place (COPY follows it)
	Chown    string `json:"chown,omitempty"`    // uid:gid for COPY --chown; "" keeps root
	Reason   string `json:"reason"`
	Files    int    `json:"files"`
	Bytes    int64  `json:"bytes"`
}

// Exclusion is a path under an Include that is not copied.
type Exclusion struct {
	Path     string          `json:"path"`
	Category report.Category `json:"category"`
	Reason   string          `json:"reason"`
	Files    int             `json:"files"`
	Bytes    int64           `json:"bytes"`
	Pruned   bool            `json:"pruned,omitempty"` // a Builder.Prune command removes it too
}

// PathBytes is a path and its size.
type PathBytes struct {
	Path  string `json:"path"`
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"`
}

// Config is the runtime configuration carried to the runtime stage.
type Config struct {
	User         string              `json:"user,omitempty"`
	WorkingDir   string              `json:"workingDir,omitempty"`
	Entrypoint   []string            `json:"entrypoint,omitempty"`
	Cmd          []string            `json:"cmd,omitempty"`
	Env          []EnvVar            `json:"env,omitempty"`
	ExposedPorts []string            `json:"exposedPorts,omitempty"`
	Labels       map[string]string   `json:"labels,omitempty"`
	Volumes      []string            `json:"volumes,omitempty"`
	StopSignal   string              `json:"stopSignal,omitempty"`
	Healthcheck  *report.Healthcheck `json:"healthcheck,omitempty"`
	// SetEntrypoint says the Dockerfile writes ENTRYPOINT even when empty,
	// to clear one the runtime base sets.
	SetEntrypoint bool      `json:"setEntrypoint,omitempty"`
	Dropped       []Dropped `json:"dropped,omitempty"`
	Changed       []Change  `json:"changed,omitempty"`
}

// EnvVar is one environment variable.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Dropped is a setting not carried over, and why. Secret values are never
// recorded.
type Dropped struct {
	Kind   string `json:"kind"` // env, label, user, workdir, healthcheck, shell
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Change is a setting carried over in a different form.
type Change struct {
	What   string `json:"what"` // cmd, entrypoint, user, env PATH
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Estimate is the runtime image's size next to today's.
type Estimate struct {
	CurrentBytes           int64   `json:"currentBytes"` // report image.sizeBytes
	CurrentCompressedBytes int64   `json:"currentCompressedBytes"`
	BaseBytes              int64   `json:"baseBytes"`           // runtime base, as slimcheck measures (sum of file sizes in its layers)
	BaseCompressedBytes    int64   `json:"baseCompressedBytes"` // sum of its layer blobs
	BaseSource             string  `json:"baseSource"`          // registry, cache, catalog, unknown
	CopiedBytes            int64   `json:"copiedBytes"`         // = copy.bytes
	CopiedFiles            int     `json:"copiedFiles"`         // = copy.files
	RuntimeBytes           int64   `json:"runtimeBytes"`        // baseBytes + copiedBytes
	SavedBytes             int64   `json:"savedBytes"`          // currentBytes - runtimeBytes
	SavedPercent           float64 `json:"savedPercent"`        // of currentBytes, 0..100
	// Categories splits today's bytes by category into what the runtime
	// stage copies (kept) and what it leaves behind (removed).
	Categories []CategoryEstimate `json:"categories"`
	Method     string             `json:"method"`
}

// CategoryEstimate is one category's bytes today, kept and removed.
type CategoryEstimate struct {
	Category     report.Category `json:"category"`
	Bytes        int64           `json:"bytes"`
	KeptBytes    int64           `json:"keptBytes"`
	RemovedBytes int64           `json:"removedBytes"`
}

// QuickWin is a smaller fix to the existing build, tied to the layer that
// caused the waste.
type QuickWin struct {
	ID        string   `json:"id"`             // apt-lists, yum-cache, apk-cache, pip-cache, npm-cache, yarn-cache, …
	Rule      string   `json:"rule,omitempty"` // hadolint rule, when one exists
	Layer     int      `json:"layer"`
	CreatedBy string   `json:"createdBy"` // the step, tidied and redacted
	Bytes     int64    `json:"bytes"`     // saved by the fix; 0 when not measurable
	Files     int      `json:"files"`
	Paths     []string `json:"paths,omitempty"` // where the bytes are (top directories)
	Advice    string   `json:"advice"`
	Fix       string   `json:"fix,omitempty"` // the snippet to add or change
}

// Finding is a notice about the image or the plan.
type Finding struct {
	Severity string `json:"severity"` // warning or info
	Kind     string `json:"kind"`     // secret-env, secret-build-arg, root-user, missing-library, entrypoint, …
	Message  string `json:"message"`
	Path     string `json:"path,omitempty"`
	Layer    int    `json:"layer"` // -1 when not tied to a layer
}
