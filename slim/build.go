package slim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// Source is the analyzed image the runtime image is cut from: what
// pipeline.Run returns for it, with the report's file list.
type Source struct {
	Image  v1.Image       // the image; its layers are read again for file contents
	Index  *analyze.Index // its index: where each selected file's final version is
	Report *report.Report // its report, with Files (the plan was made from it)
	Info   source.Info    // where it came from
}

// Base is the runtime base the image stands on.
type Base struct {
	Reference       string `json:"reference"`        // as given
	Name            string `json:"name"`             // resolved name
	Digest          string `json:"digest,omitempty"` // manifest digest
	Layers          int    `json:"layers"`
	SizeBytes       int64  `json:"sizeBytes"`       // sum of file sizes in its layers, measured by walking it
	CompressedBytes int64  `json:"compressedBytes"` // sum of its layer blobs
}

// Result is the built image, not yet written anywhere.
type Result struct {
	Image       v1.Image          // the runtime image; its new layer streams from the source on every read
	Base        Base              // what it stands on
	Layer       LayerSummary      // the new layer
	Created     time.Time         // the time every new entry, the config and the history entry carry
	Annotations map[string]string // the manifest's annotations

	layer *streamLayer
}

// Summary returns the new layer's summary with its digests and compressed
// size, reading it once if nothing has yet.
func (r *Result) Summary() (LayerSummary, error) {
	s := r.Layer
	if r.layer == nil {
		return s, nil
	}
	if err := r.layer.compute(); err != nil {
		return s, err
	}
	s.Digest, s.DiffID, s.StoredBytes = r.layer.digest.String(), r.layer.diffID.String(), r.layer.size
	return s, nil
}

// Errors returned by Build (wrapped).
var (
	// ErrNoSplit: the plan proposes no runtime image (see its Verdict and Reasons).
	ErrNoSplit = errors.New("the plan proposes no builder/runtime split")
	// ErrNoFiles: the source report has no file list.
	ErrNoFiles = recommend.ErrNoFiles
)

// Build assembles the runtime image plan describes: the base, plus one
// layer with exactly the files plan.Copy selects from src, plus the plan's
// config. It reads the base (to walk it once) but no source file contents:
// those stream from src's layers when the image's new layer is read.
func Build(ctx context.Context, src Source, plan *recommend.PlanResult, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if src.Image == nil || src.Index == nil || src.Report == nil || plan == nil {
		return nil, errors.New("building the runtime image: source image, index, report and plan are all needed")
	}
	if len(src.Report.Files) == 0 {
		return nil, fmt.Errorf("building the runtime image: %w", ErrNoFiles)
	}
	baseRef := opts.Base
	if baseRef == "" {
		if plan.Verdict != recommend.Split || plan.Runtime == nil {
			return nil, fmt.Errorf("building the runtime image of %s: %w (verdict %s)", src.Info.Reference, ErrNoSplit, plan.Verdict)
		}
		baseRef = plan.Runtime.Image
	}
	so := opts.Source
	if p := src.Report.Image.Platform; p != "" {
		so.Platform = p
	}
	baseImg, baseInfo, err := source.Open(ctx, baseRef, so)
	if err != nil {
		return nil, fmt.Errorf("opening the runtime base: %w", err)
	}
	wo := opts.Walk
	wo.NoHash, wo.Capture, wo.CapturePrefix, wo.Progress = true, nil, nil, nil
	wo.StoredUncompressed = baseInfo.ReadUncompressed
	bix, err := analyze.Walk(ctx, baseImg, wo)
	if err != nil {
		return nil, fmt.Errorf("walking the runtime base %s: %w", baseRef, err)
	}
	lp, err := planLayer(plan.Copy.Select(src.Report.Files), src.Index, baseFS{ix: bix})
	if err != nil {
		return nil, fmt.Errorf("planning the new layer: %w", err)
	}
	srcLayers, err := src.Image.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing the source image's layers: %w", err)
	}
	created := opts.Created
	if created.IsZero() && src.Index.Config != nil {
		created = src.Index.Config.Created.Time
	}
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	created = created.UTC().Truncate(time.Second)
	level := opts.CompressionLevel
	if level == 0 {
		level = 6
	}
	layer := &streamLayer{ctx: ctx, plan: lp, sources: srcLayers, created: created, level: level}

	base := Base{Reference: baseRef, Name: baseInfo.Name, Digest: baseInfo.Digest, Layers: len(bix.Layers)}
	for _, l := range bix.Layers {
		base.SizeBytes += l.Size
		base.CompressedBytes += l.CompressedSize
	}
	if base.Digest == "" {
		d, err := baseImg.Digest()
		if err != nil {
			return nil, fmt.Errorf("digesting the runtime base %s: %w", baseRef, err)
		}
		base.Digest = d.String()
	}
	img, annotations, err := assemble(baseImg, layer, plan, src, base, created, opts.ToolVersion)
	if err != nil {
		return nil, err
	}
	return &Result{Image: img, Base: base, Layer: lp.summary, Created: created, Annotations: annotations, layer: layer}, nil
}

// assemble stacks the base's layers and the new one under an OCI manifest
// with the merged config, the history entry and the annotations.
func assemble(baseImg v1.Image, layer *streamLayer, plan *recommend.PlanResult, src Source, base Base, created time.Time, version string) (v1.Image, map[string]string, error) {
	baseCfg, err := baseImg.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the runtime base's config: %w", err)
	}
	baseLayers, err := baseImg.Layers()
	if err != nil {
		return nil, nil, fmt.Errorf("listing the runtime base's layers: %w", err)
	}
	var adds []v1.Layer
	for _, l := range baseLayers {
		adds = append(adds, ociLayer(l))
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.AppendLayers(img, append(adds, layer)...)
	if err != nil {
		return nil, nil, fmt.Errorf("stacking layers: %w", err)
	}
	stacked, err := img.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("building the config: %w", err)
	}
	cf := baseCfg.DeepCopy()
	cf.RootFS = stacked.RootFS
	cf.Created = v1.Time{Time: created}
	cf.Config = mergeConfig(baseCfg.Config, plan.Config)
	cf.Container, cf.DockerVersion = "", ""
	sourceName := src.Info.Name
	if sourceName == "" {
		sourceName = src.Info.Reference
	}
	comment := "slimcheck " + version + ": runtime image of " + sourceName + " on " + base.Reference
	cf.History = append(cf.History, v1.History{Created: v1.Time{Time: created}, Author: "slimcheck",
		CreatedBy: historyEntry(&layer.plan.summary, plan, sourceName), Comment: comment})
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, nil, fmt.Errorf("setting the config: %w", err)
	}
	ann := map[string]string{
		AnnotationBaseName:   baseName(base.Reference),
		AnnotationBaseDigest: base.Digest,
		AnnotationSource:     sourceName,
	}
	if src.Info.Digest != "" {
		ann[AnnotationSourceDigest] = src.Info.Digest
	}
	id := src.Info.ID
	if id == "" {
		id = src.Report.Image.ConfigDigest
	}
	if id == "" {
		if h, err := src.Image.ConfigName(); err == nil {
			id = h.String()
		}
	}
	if id != "" {
		ann[AnnotationSourceConfig] = id
	}
	out, ok := mutate.Annotations(img, ann).(v1.Image)
	if !ok {
		return nil, nil, errors.New("annotating the image: not an image")
	}
	return out, ann, nil
}

// baseName is a registry reference in full ("index.docker.io/library/node:20");
// other references (oci:, docker-archive:) stay as given.
func baseName(ref string) string {
	if r, err := name.ParseReference(ref); err == nil {
		return r.Name()
	}
	return ref
}

// ociLayer presents a base layer under its OCI media type (the blob is the
// same), keeping a registry layer mountable so pushes can skip its upload.
func ociLayer(l v1.Layer) v1.Layer {
	mt, err := l.MediaType()
	if err != nil {
		return l
	}
	var oci types.MediaType
	switch mt {
	case types.DockerLayer:
		oci = types.OCILayer
	case types.DockerUncompressedLayer:
		oci = types.OCIUncompressedLayer
	default:
		return l
	}
	if ml, ok := l.(*remote.MountableLayer); ok {
		return &remote.MountableLayer{Layer: retyped{Layer: ml.Layer, mt: oci}, Reference: ml.Reference}
	}
	return retyped{Layer: l, mt: oci}
}

// retyped is a layer with another media type.
type retyped struct {
	v1.Layer
	mt types.MediaType
}

// MediaType returns the new media type.
func (r retyped) MediaType() (types.MediaType, error) { return r.mt, nil }
