package source

import (
	"fmt"
	"os"
	"path/filepath"
)

// openLayoutDir opens an OCI image layout directory. It is read like a
// layout tar (see dirStore), not with ggcr's layout package, which reads
// manifests and configs of any size whole and checks no digests.
func openLayoutDir(typed string, t target, o Options) (chosen, error) {
	if _, err := os.Stat(filepath.Join(t.path, "index.json")); err != nil {
		return chosen{}, fmt.Errorf("reading OCI layout %s: no index.json: %w", t.path, ErrNotImage)
	}
	root, err := ociTarRoot(dirStore{dir: t.path})
	if err != nil {
		return chosen{}, fmt.Errorf("reading OCI layout %s: %w", t.path, err)
	}
	return selectFromLayout(root, layoutSelector{tag: t.tag, digest: t.digest}, o.platform(), typed)
}

// openLayoutTar opens an OCI image layout packed in a tar file, reading the
// index and blobs in place (see tarFile) instead of extracting it.
func openLayoutTar(typed string, t target, tf *tarFile, o Options) (chosen, error) {
	root, err := ociTarRoot(tf)
	if err != nil {
		return chosen{}, err
	}
	return selectFromLayout(root, layoutSelector{tag: t.tag, digest: t.digest}, o.platform(), typed)
}
