package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/practice"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestReadOnlyIndexSearchesAndRefusesEveryWrite(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Build(context.Background(), models("a", "b")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// What an interrupted build leaves behind: a reader leaves it for a writer to tidy.
	os.Mkdir(filepath.Join(dir, "index", "20990101T000000.000000000"+buildingSuffix), 0o755)
	before := dirNames(t, filepath.Join(dir, "index"))

	ro, err := OpenReadOnly(dir, time.Second, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if n, _ := ro.Count(); n != 2 {
		t.Errorf("the read-only index holds %d models, want 2", n)
	}
	if m, err := ro.Model(context.Background(), "b"); err != nil || m.Title != "Malli b" {
		t.Errorf("model b: %+v, %v", m, err)
	}
	if _, err := ro.Build(context.Background(), models("c")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("build on a read-only index: %v, want ErrReadOnly", err)
	}
	if err := ro.Put(practice.Model{ID: "c", Title: "Malli c"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("put on a read-only index: %v, want ErrReadOnly", err)
	}
	if err := ro.Delete("a"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("delete on a read-only index: %v, want ErrReadOnly", err)
	}
	if after := dirNames(t, filepath.Join(dir, "index")); !slices.Equal(after, before) {
		t.Errorf("the index folder held %q, now %q", before, after)
	}
}

func TestReadOnlyOpenOfAFolderAWriterHoldsIsRefused(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := OpenReadOnly(dir, 50*time.Millisecond, quiet); !errors.Is(err, ErrInUse) {
		t.Errorf("read-only open of a held index: %v, want ErrInUse", err)
	}
}

func TestReadOnlyOpenOfNoIndexCreatesNothing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "puuttuu")
	empty := t.TempDir()
	for _, dir := range []string{missing, empty} {
		if _, err := OpenReadOnly(dir, time.Second, quiet); !errors.Is(err, ErrNoIndex) {
			t.Errorf("%s: %v, want ErrNoIndex", dir, err)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing folder was created: %v", err)
	}
	if names := dirNames(t, empty); len(names) != 0 {
		t.Errorf("the empty folder now holds %q", names)
	}
}
