// Package publish carries index generations from the one writer to its read replicas through
// S3-compatible object storage.
//
// The writer (Publisher) packs a copy of each new generation into one tar archive, uploads it
// to PREFIX/generations/NAME.tar, and then moves the manifest PREFIX/CURRENT to it with a
// conditional write (If-Match the manifest's ETag as last read, or If-None-Match: * for the
// first), so that of two writers publishing at once only one wins and the other is told.
// Archives beyond the newest Keep are removed once the manifest has moved.
//
// A replica (Replica) reads the manifest with a conditional GET, and for a new generation it
// can serve downloads the archive (resuming a cut-off download), checks its size and SHA-256
// against the manifest, unpacks it and hands it to the index, which checks it again and
// switches to it atomically. Whatever fails, the generation it serves stays.
package publish
