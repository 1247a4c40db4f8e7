package indexer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/mallihaku/mallihaku/finnish"
)

// metaUpdated records when the live generation was last changed in place (Apply), so that a
// copy of it taken afterwards gets a name of its own.
const metaUpdated = "mallihaku.updated"

// Snapshot describes a copy of the live generation, as Snapshot made it.
type Snapshot struct {
	// Name is the generation's name, with "-u" and the time of its last in-place update when
	// it has had one: each different content has a different name.
	Name           string
	Documents      uint64
	MappingVersion int
	Analyzer       string
}

// Snapshot copies the live generation, as it is now, into dir (which must not exist): a
// complete bleve index that Adopt can switch to elsewhere. Writes wait while it copies;
// searches do not.
func (ix *Index) Snapshot(dir string) (Snapshot, error) {
	ix.writes.Lock()
	defer ix.writes.Unlock()
	ix.mu.RLock()
	idx, gen := ix.idx, ix.gen
	ix.mu.RUnlock()
	if idx == nil {
		return Snapshot{}, ErrClosed
	}
	s, err := describe(idx, gen)
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot: %w", err)
	}
	copyable, ok := idx.(bleve.IndexCopyable)
	if !ok {
		return Snapshot{}, fmt.Errorf("snapshot: the index cannot be copied")
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot: %w", err)
	}
	if _, err := os.Stat(dir); err == nil {
		return Snapshot{}, fmt.Errorf("snapshot: %s exists", dir)
	}
	if err := copyable.CopyTo(bleve.FileSystemDirectory(dir)); err != nil {
		os.RemoveAll(dir)
		return Snapshot{}, fmt.Errorf("snapshot: %w", err)
	}
	return s, nil
}

func describe(idx bleve.Index, gen string) (Snapshot, error) {
	n, err := idx.DocCount()
	if err != nil {
		return Snapshot{}, err
	}
	v, _ := idx.GetInternal([]byte(metaMapping))
	a, _ := idx.GetInternal([]byte(metaAnalyzer))
	u, _ := idx.GetInternal([]byte(metaUpdated))
	mv, _ := strconv.Atoi(string(v))
	name := gen
	if len(u) > 0 {
		name += "-u" + string(u)
	}
	return Snapshot{Name: name, Documents: n, MappingVersion: mv, Analyzer: string(a)}, nil
}

// CanServe says why this program cannot serve a generation built with that mapping version
// and analyzer, or nil when it can.
func CanServe(mappingVersion int, analyzer string) error {
	if mappingVersion != MappingVersion {
		return fmt.Errorf("the generation has mapping version %d; this mallihaku reads version %d", mappingVersion, MappingVersion)
	}
	switch analyzer {
	case finnish.NameSnowball:
		return nil
	case finnish.NameVoikko:
		if _, err := finnish.Default(); err != nil {
			return fmt.Errorf("the generation was built with Voikko, which this machine lacks: %v", err)
		}
		return nil
	}
	return fmt.Errorf("the generation was built with an unknown analyzer %q", analyzer)
}

// ValidName reports whether s may name a generation folder.
func ValidName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`) && !strings.HasSuffix(s, buildingSuffix) &&
		s != pointerFile && !strings.HasPrefix(s, ".")
}

// DescribeFolder tells what the generation in dir (not the live one) holds.
func DescribeFolder(dir string) (Snapshot, error) {
	idx, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": "5s"})
	if err != nil {
		return Snapshot{}, fmt.Errorf("generation %s does not open: %w", filepath.Base(dir), err)
	}
	defer idx.Close()
	return describe(idx, filepath.Base(dir))
}

// Adopt switches searches to a generation built elsewhere (a replica's download, unpacked in
// dir on the same file system), after the checks a local build passes: it opens, was built
// with the mapping version and an analyzer this program runs, and returns a stored model.
// The folder is moved into the index as a new generation, whose name is returned; one that
// fails the checks is removed and the live generation stays.
func (ix *Index) Adopt(ctx context.Context, dir string) (string, error) {
	ix.writes.Lock()
	defer ix.writes.Unlock()
	s, err := DescribeFolder(dir)
	if err != nil {
		return "", fmt.Errorf("adopt generation: %w", err)
	}
	if err := CanServe(s.MappingVersion, s.Analyzer); err != nil {
		return "", fmt.Errorf("adopt generation: %w", err)
	}
	name := newGenerationName()
	if err := os.Rename(dir, filepath.Join(ix.dir, name)); err != nil {
		return "", fmt.Errorf("adopt generation: %w", err)
	}
	// The same checks and swap as a local build's.
	if err := ix.switchTo(ctx, name, int(s.Documents), ""); err != nil {
		return "", fmt.Errorf("adopt generation: %w", err)
	}
	return name, nil
}

// updatedStamp is the value of metaUpdated for a write now.
func updatedStamp() []byte { return []byte(newGenerationName()) }

// Describe tells what a Snapshot of the live generation would say, without copying it.
func (ix *Index) Describe() (Snapshot, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return Snapshot{}, ErrClosed
	}
	return describe(ix.idx, ix.gen)
}
