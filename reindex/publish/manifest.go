package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
)

// ManifestKey is the manifest's key under the prefix.
const ManifestKey = "CURRENT"

// archivePrefix is where archives live under the prefix.
const archivePrefix = "generations/"

// maxManifest bounds what is read as a manifest.
const maxManifest = 64 << 10

// Manifest names the generation replicas should serve, and what they need to check it.
type Manifest struct {
	Generation     string    `json:"generation"`
	Archive        string    `json:"archive"`  // key under the prefix
	Checksum       string    `json:"checksum"` // "sha256:" and the hex digest of the archive
	Size           int64     `json:"size"`     // of the archive, in bytes
	Documents      uint64    `json:"documents"`
	MappingVersion int       `json:"mapping_version"`
	Analyzer       string    `json:"analyzer"`
	Created        time.Time `json:"created"`
	Writer         string    `json:"writer"` // who published it (host and data folder)
}

var checksumRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func archiveKey(generation string) string { return archivePrefix + generation + ".tar" }

// parseManifest reads and checks a manifest.
func parseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	switch {
	case !indexer.ValidName(m.Generation):
		return m, fmt.Errorf("manifest: generation %q is not a generation name", m.Generation)
	case m.Archive != archiveKey(m.Generation):
		return m, fmt.Errorf("manifest: archive %q is not %q", m.Archive, archiveKey(m.Generation))
	case !checksumRE.MatchString(m.Checksum):
		return m, fmt.Errorf("manifest: checksum %q is not sha256:HEX", m.Checksum)
	case m.Size <= 0:
		return m, errors.New("manifest: no archive size")
	}
	return m, nil
}
