package indexer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/mallihaku/mallihaku/practice"
)

func TestASnapshotAdoptedElsewhereServesTheSameModels(t *testing.T) {
	writer, err := Open(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.Build(context.Background(), models("a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	snapDir := filepath.Join(t.TempDir(), "snap")
	s, err := writer.Snapshot(snapDir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != writer.Generation() || s.Documents != 3 || s.MappingVersion != MappingVersion || s.Analyzer != writer.analyzer.Name() {
		t.Errorf("snapshot %+v, want generation %s with 3 models, mapping %d, analyzer %s", s, writer.Generation(), MappingVersion, writer.analyzer.Name())
	}

	replicaDir := t.TempDir()
	replica, err := Open(replicaDir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	staging := filepath.Join(replicaDir, "staging")
	os.Rename(snapDir, staging)
	adopted, err := replica.Adopt(context.Background(), staging)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := replica.Count(); n != 3 || replica.Generation() != adopted {
		t.Errorf("replica serves %d models of %s, want 3 of %s", n, replica.Generation(), adopted)
	}
	if m, err := replica.Model(context.Background(), "b"); err != nil || m.Title != "Malli b" {
		t.Errorf("model b on the replica: %+v %v", m, err)
	}
	if replica.Outdated() {
		t.Error("an adopted generation of this mapping and analyzer is reported outdated")
	}
	replica.Close()

	// After a restart the replica opens the adopted generation.
	again, err := Open(replicaDir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Generation() != adopted {
		t.Errorf("after a restart the replica serves %q, want %q", again.Generation(), adopted)
	}
}

func TestAnInPlaceUpdateGivesTheNextSnapshotANameOfItsOwn(t *testing.T) {
	ix, err := Open(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Build(context.Background(), models("a")); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	first, err := ix.Snapshot(filepath.Join(tmp, "1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(practice.Model{ID: "b", Title: "Malli b"}); err != nil {
		t.Fatal(err)
	}
	second, err := ix.Snapshot(filepath.Join(tmp, "2"))
	if err != nil {
		t.Fatal(err)
	}
	if second.Name == first.Name || !strings.HasPrefix(second.Name, first.Name+"-u") || second.Documents != 2 {
		t.Errorf("snapshots %+v then %+v: the second should be named %s-u… and hold 2 models", first, second, first.Name)
	}
}

func TestAdoptRefusesAGenerationThatDoesNotHoldWhatItShould(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, dir string) // breaks the copy in dir
		want    string
	}{
		{name: "a mapping version this program cannot read", want: "mapping version 99",
			prepare: func(t *testing.T, dir string) {
				idx, err := bleve.Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				idx.SetInternal([]byte(metaMapping), []byte("99"))
				idx.Close()
			}},
		{name: "not an index", want: "does not open",
			prepare: func(t *testing.T, dir string) {
				os.RemoveAll(dir)
				os.MkdirAll(dir, 0o755)
				os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{"), 0o644)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Open(t.TempDir(), quiet)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			src.Build(context.Background(), models("a", "b"))
			dataDir := t.TempDir()
			dst, err := Open(dataDir, quiet)
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			dst.Build(context.Background(), models("x"))
			live := dst.Generation()
			staging := filepath.Join(dataDir, "staging")
			before, _ := os.ReadDir(filepath.Join(dataDir, "index"))
			if _, err := src.Snapshot(staging); err != nil {
				t.Fatal(err)
			}
			if tc.prepare != nil {
				tc.prepare(t, staging)
			}
			_, err = dst.Adopt(context.Background(), staging)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("adopt: %v, want an error saying %q", err, tc.want)
			}
			if dst.Generation() != live {
				t.Errorf("the replica switched to %s; it should keep serving %s", dst.Generation(), live)
			}
			if m, err := dst.Model(context.Background(), "x"); err != nil || m.ID != "x" {
				t.Errorf("the live generation no longer answers: %v", err)
			}
			if after, _ := os.ReadDir(filepath.Join(dataDir, "index")); len(after) != len(before) {
				t.Errorf("the index folder holds %v, before the refused generation %v", after, before)
			}
		})
	}
}
