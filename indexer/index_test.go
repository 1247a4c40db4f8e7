package indexer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func models(ids ...string) func(context.Context, func(practice.Model) error) error {
	return func(_ context.Context, put func(practice.Model) error) error {
		for _, id := range ids {
			if err := put(practice.Model{ID: id, Title: "Malli " + id, Region: []string{"Pirkanmaa"}, Phase: "Valmis",
				Modified: practice.NewDate(2023, 6, 6)}); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestBuildSwitchesGenerationsAndKeepsOnePrevious(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var gens []string
	for i, ids := range [][]string{{"a"}, {"a", "b"}, {"a", "b", "c"}} {
		n, err := ix.Build(context.Background(), models(ids...))
		if err != nil || n != len(ids) {
			t.Fatalf("build %d: %d, %v", i, n, err)
		}
		if c, _ := ix.Count(); c != uint64(len(ids)) {
			t.Errorf("after build %d the index holds %d models, want %d", i, c, len(ids))
		}
		gens = append(gens, ix.Generation())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "index"))
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) != 2 || dirs[0] != gens[1] || dirs[1] != gens[2] {
		t.Errorf("generations on disk %q, want the previous and the live one %q", dirs, gens[1:])
	}
	ix.Close()

	// A restart opens the generation the pointer names.
	ix, err = Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Generation() != gens[2] {
		t.Errorf("reopened generation %s, want %s", ix.Generation(), gens[2])
	}
	if m, err := ix.Model(context.Background(), "c"); err != nil || m.Title != "Malli c" || m.Modified != practice.NewDate(2023, 6, 6) {
		t.Errorf("Model(c) = %+v, %v", m, err)
	}
	if _, err := ix.Model(context.Background(), "zzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown model: %v, want ErrNotFound", err)
	}
}

func TestFailedBuildLeavesTheLiveIndexServing(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Build(context.Background(), models("a", "b")); err != nil {
		t.Fatal(err)
	}
	live := ix.Generation()
	broken := errors.New("site went away")
	_, err = ix.Build(context.Background(), func(ctx context.Context, put func(practice.Model) error) error {
		put(practice.Model{ID: "x", Title: "half"})
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("Build = %v, want the fill error", err)
	}
	if ix.Generation() != live {
		t.Errorf("generation changed to %s after a failed build", ix.Generation())
	}
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("live index holds %d models after a failed build, want 2", n)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "index"))
	for _, e := range entries {
		if filepath.Ext(e.Name()) == buildingSuffix {
			t.Errorf("unfinished generation %s left behind", e.Name())
		}
	}
}

func TestOpenRemovesUnfinishedGenerations(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	leftover := filepath.Join(dir, "index", "20200101T000000.000000000"+buildingSuffix)
	if err := os.MkdirAll(leftover, 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("unfinished generation still there: %v", err)
	}
}

func TestPutAndDeleteChangeTheLiveIndexAndItsVersion(t *testing.T) {
	ix, err := Open(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	v0 := ix.Version()
	if err := ix.Put(practice.Model{ID: "a", Title: "Uusi malli"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 1 || ix.Version() == v0 {
		t.Errorf("after Put: %d models, version %d (was %d)", n, ix.Version(), v0)
	}
	if err := ix.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("after Delete: %d models", n)
	}
}

func TestSortKeyPutsÅÄÖAfterZ(t *testing.T) {
	titles := []string{"Öljy", "zeta", "Äiti", "Åbo", "alku"}
	for i := 0; i < len(titles); i++ {
		for j := i + 1; j < len(titles); j++ {
			if SortKey(titles[i]) > SortKey(titles[j]) {
				titles[i], titles[j] = titles[j], titles[i]
			}
		}
	}
	want := []string{"alku", "zeta", "Åbo", "Äiti", "Öljy"}
	for i := range want {
		if titles[i] != want[i] {
			t.Fatalf("sorted %q, want %q", titles, want)
		}
	}
}

// openFilesUnder lists this process's open files inside dir.
func openFilesUnder(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI runs on Linux, with /proc: %v", err)
		}
		t.Skip("no /proc on this system")
	}
	var files []string
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(target, dir) {
			files = append(files, target)
		}
	}
	return files
}

func TestThirtyGenerationSwitchesLeakNoFilesOrGoroutines(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.Build(context.Background(), models("a"))
	baseline := runtime.NumGoroutine()
	for i := 0; i < 30; i++ {
		if _, err := ix.Build(context.Background(), models("a", "b", "c")); err != nil {
			t.Fatal(err)
		}
	}
	live := filepath.Join(dir, "index", ix.Generation())
	for _, f := range openFilesUnder(t, dir) {
		if !strings.HasPrefix(f, live+string(filepath.Separator)) {
			t.Errorf("open file outside the live generation: %s", f)
		}
	}
	if n := runtime.NumGoroutine(); n > baseline+5 {
		t.Errorf("%d goroutines after 30 switches, %d before", n, baseline)
	}
}

func TestGenerationsLeftByACrashAreRemovedOnceTheLiveOneIsOpen(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]string{{"a"}, {"a", "b"}} {
		if _, err := ix.Build(context.Background(), models(ids...)); err != nil {
			t.Fatal(err)
		}
	}
	live := ix.Generation()
	ix.Close()
	root := filepath.Join(dir, "index")
	before := generationFolders(t, root) // the live one and its fallback
	// A crash after a build was checked but before the pointer moved leaves a newer complete
	// generation; a crash before the old ones were removed leaves older ones.
	for _, leftover := range []string{"29991231T000000.000000000", "20000101T000000.000000000"} {
		if err := os.CopyFS(filepath.Join(root, leftover), os.DirFS(filepath.Join(root, live))); err != nil {
			t.Fatal(err)
		}
	}
	ix, err = Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Generation() != live {
		t.Fatalf("serving %s after the restart, want the pointed-to %s", ix.Generation(), live)
	}
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("the live generation holds %d models, want 2", n)
	}
	if after := generationFolders(t, root); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("generation folders after the restart: %v, want only the live one and its fallback %v", after, before)
	}
}

func generationFolders(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}
