// Package report is the analysis result as plain data: what an image holds,
// where its bytes go and why. It imports no image library, so renderers, the
// TUI, the CI gate and the recommender depend on it alone. Field names in
// JSON are stable; sizes are bytes; see docs/report.md.
package report

import "time"

// SchemaVersion is the version of the JSON document; it changes only when a
// field is renamed or removed.
const SchemaVersion = "1"

// Report is everything slimcheck learned about one image.
type Report struct {
	SchemaVersion string          `json:"schemaVersion"`
	Tool          Tool            `json:"tool"`
	Image         Image           `json:"image"`
	Layers        []Layer         `json:"layers"`
	History       []HistoryStep   `json:"history"`
	Dive          Dive            `json:"dive"`
	Hidden        Hidden          `json:"hidden"`
	Rewrites      []Rewrite       `json:"metadataRewrites"`
	Largest       Largest         `json:"largest"`
	Categories    []CategoryTotal `json:"categories"`
	NotNeeded     int64           `json:"notNeededAtRuntimeBytes"`
	Packages      []Package       `json:"packages"`
	Databases     []Database      `json:"packageDatabases"`
	Ecosystem     Ecosystem       `json:"ecosystem"`
	Problems      []Problem       `json:"problems"`
	Files         []File          `json:"files,omitempty"`    // every entry of every layer, when asked for
	Evidence      []Evidence      `json:"evidence,omitempty"` // table that File.Evidence indexes`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Image describes the analyzed image as a whole.
type Image struct {
	Reference       string    `json:"reference"`        // as the user typed it
	Source          string    `json:"source"`           // registry, docker-archive, oci, docker
	Name            string    `json:"name,omitempty"`   // resolved name or path
	Digest          string    `json:"digest,omitempty"` // manifest digest, when known
	ConfigDigest    string    `json:"configDigest,omitempty"`
	Platform        string    `json:"platform,omitempty"` // os/arch[/variant]
	Created         time.Time `json:"created,omitempty"`
	CompressedBytes int64     `json:"compressedBytes"` // sum of stored layer blobs
	SizeBytes       int64     `json:"sizeBytes"`       // sum of all layers' file sizes (what categories add up to)
	TarBytes        int64     `json:"tarBytes"`        // sum of uncompressed layer tar streams
	FinalBytes      int64     `json:"finalBytes"`      // file sizes visible in the final filesystem
	FinalFiles      int       `json:"finalFiles"`      // non-directory entries in the final filesystem
	Config          Config    `json:"config"`
}

// Config is the runtime configuration carried by the image.
type Config struct {
	Entrypoint   []string          `json:"entrypoint,omitempty"`
	Cmd          []string          `json:"cmd,omitempty"`
	WorkingDir   string            `json:"workingDir,omitempty"`
	Env          []string          `json:"env,omitempty"`
	ExposedPorts []string          `json:"exposedPorts,omitempty"`
	User         string            `json:"user,omitempty"`
	Labels       map[string]string `json:"labels,omitempty"`
	Volumes      []string          `json:"volumes,omitempty"`
	StopSignal   string            `json:"stopSignal,omitempty"`
	Healthcheck  *Healthcheck      `json:"healthcheck,omitempty"`
	Shell        []string          `json:"shell,omitempty"`
}

// Healthcheck mirrors the image config's HEALTHCHECK.
type Healthcheck struct {
	Test        []string      `json:"test,omitempty"`
	Interval    time.Duration `json:"intervalNs,omitempty"`
	Timeout     time.Duration `json:"timeoutNs,omitempty"`
	StartPeriod time.Duration `json:"startPeriodNs,omitempty"`
	Retries     int           `json:"retries,omitempty"`
}

// Layer is one filesystem layer and what it did.
type Layer struct {
	Index           int                `json:"index"`
	Digest          string             `json:"digest"`
	DiffID          string             `json:"diffID"`
	MediaType       string             `json:"mediaType,omitempty"`
	CompressedBytes int64              `json:"compressedBytes"`
	SizeBytes       int64              `json:"sizeBytes"` // sum of entry sizes (dive's layer size)
	TarBytes        int64              `json:"tarBytes"`
	Entries         int                `json:"entries"` // tar entries (dive's file count)
	FilesAdded      int                `json:"filesAdded"`
	BytesAdded      int64              `json:"bytesAdded"`
	FilesModified   int                `json:"filesModified"`
	BytesModified   int64              `json:"bytesModified"`
	FilesRemoved    int                `json:"filesRemoved"`
	BytesRemoved    int64              `json:"bytesRemoved"`
	HiddenFiles     int                `json:"hiddenFiles"`
	HiddenBytes     int64              `json:"hiddenBytes"`
	CreatedBy       string             `json:"createdBy"`
	Comment         string             `json:"comment,omitempty"`
	Created         time.Time          `json:"created,omitempty"`
	NoHistory       bool               `json:"noHistory,omitempty"` // the config had no history entry for it
	Categories      map[Category]int64 `json:"categories,omitempty"`
	TopPackages     []PackageBytes     `json:"topPackages,omitempty"`
}

// HistoryStep is one entry of the image config's history: a build step,
// including those that created no layer (ENV, LABEL, CMD…).
type HistoryStep struct {
	CreatedBy  string    `json:"createdBy"`
	Comment    string    `json:"comment,omitempty"`
	Created    time.Time `json:"created,omitzero"`
	EmptyLayer bool      `json:"emptyLayer,omitempty"` // the config says the step created no layer
	Layer      int       `json:"layer"`                // the layer it created, -1 for none
}

// Dive holds the three metrics dive reports, computed exactly as dive
// v0.13.1 does (quirks included), at full float64 precision.
type Dive struct {
	Efficiency        float64        `json:"efficiency"`
	SizeBytes         int64          `json:"sizeBytes"`
	UserSizeBytes     int64          `json:"userSizeBytes"`
	WastedBytes       int64          `json:"wastedBytes"`
	UserWastedPercent float64        `json:"userWastedPercent"` // a ratio, 0..1, like dive's JSON
	InefficientFiles  []Inefficiency `json:"inefficientFiles"`
}

// Inefficiency is one path dive counts against efficiency.
type Inefficiency struct {
	Path           string `json:"path"`
	Count          int    `json:"count"`
	CumulativeSize int64  `json:"cumulativeSize"`
}

// Hidden sums bytes stored in layers but not visible in the final
// filesystem: overwritten versions, deleted files and directories.
type Hidden struct {
	Bytes int64        `json:"bytes"`
	Files int          `json:"files"`
	Top   []HiddenPath `json:"top"`
}

// HiddenPath is one hidden entry.
type HiddenPath struct {
	Path   string `json:"path"`
	Layer  int    `json:"layer"`
	Bytes  int64  `json:"bytes"`
	Reason string `json:"reason"` // overwritten, deleted, shadowed
}

// Rewrite is a file copied into a later layer with identical contents where
// only mode, owner or times changed.
type Rewrite struct {
	Path         string `json:"path"`
	Layer        int    `json:"layer"`
	Lower        int    `json:"lowerLayer"`
	Bytes        int64  `json:"bytes"`
	ModeChanged  bool   `json:"modeChanged"`
	OwnerChanged bool   `json:"ownerChanged"`
}

// Largest lists the biggest files and directories of the final filesystem.
type Largest struct {
	Files []PathSize `json:"files"`
	Dirs  []PathSize `json:"dirs"`
}

// PathSize is a path with its size and, for files, the layer it comes from.
type PathSize struct {
	Path     string   `json:"path"`
	Bytes    int64    `json:"bytes"`
	Files    int      `json:"files,omitempty"`
	Layer    int      `json:"layer"` // -1 for directories
	Category Category `json:"category,omitempty"`
}

// Problem is evidence that could not be used, and why. Analysis carries on.
type Problem struct {
	Path   string `json:"path,omitempty"`
	Layer  int    `json:"layer"`
	Reason string `json:"reason"`
}
