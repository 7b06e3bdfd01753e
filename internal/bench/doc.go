// Package bench generates the images `make bench` measures and the raw
// decompression floor they are measured against.
//
// An image is first planned — every tar entry of every layer, with its size
// and a seed for its contents — and then rendered: layers are written as
// gzip blobs in parallel and assembled into a docker-archive (the layout
// go-containerregistry's tarball.Write produces). Plans are deterministic
// for a seed, so the same command always writes the same bytes.
//
// Floor reads such an archive in place and does the least any analyzer must
// do: decompress every layer with klauspost/compress, iterate every tar entry
// and read every byte (optionally hashing contents with xxhash), one layer
// per goroutine up to GOMAXPROCS.
package bench
