package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
)

// serveUntilStopped runs `mallihaku serve` on data on a free loopback port and returns its
// base URL and a stop function that waits for it to end (called at the end of the test too).
func serveUntilStopped(t *testing.T, data string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWatcher{addr: make(chan string, 1)}
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"}, nil, out, &stderr)
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v\n%s", err, stderr.String())
		}
	}
	t.Cleanup(stop)
	select {
	case base = <-out.addr:
		return base, stop
	case err := <-done:
		stopped = true
		t.Fatalf("serve stopped before serving: %v\n%s", err, stderr.String())
	}
	return "", stop
}

// snapshot lists every file and folder under dir with its size and modification time, so
// that a test can tell that a command changed nothing there.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == dir {
			b.WriteString("(no folder)")
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b.WriteString(rel + " " + info.Mode().String())
		if !d.IsDir() {
			fmt.Fprintf(&b, " %s %d", info.ModTime(), info.Size())
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func crawledFolder(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if _, logs, err := runCmd(t, nil, "crawl", "--site", sampleSite(t), "--data", data, "--rate", "0"); err != nil {
		t.Fatalf("crawl: %v\n%s", err, logs)
	}
	return data
}

func TestSearchOnAFolderAServerUsesIsRefusedAndTheServerKeepsEveryModel(t *testing.T) {
	data := crawledFolder(t)
	base, stop := serveUntilStopped(t, data)
	var before searchResponse
	getJSON(t, base+"/api/v1/search?size=1", &before)
	if before.Total != 42 {
		t.Fatalf("the server serves %d models, want the sample's 42", before.Total)
	}
	files := snapshot(t, filepath.Join(data, "index"))

	out, _, err := runCmd(t, nil, "search", "--data", data, "--open-timeout", "50ms", "päihde")
	if err == nil || exitCode(err) == 0 || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "in use by a running mallihaku") {
		t.Errorf("search on a served folder: %v (output %q), want one line saying the folder is in use", err, out)
	}
	if got := snapshot(t, filepath.Join(data, "index")); got != files {
		t.Errorf("search changed the index folder:\nbefore\n%s\nafter\n%s", files, got)
	}

	stop()
	base, _ = serveUntilStopped(t, data)
	var after searchResponse
	getJSON(t, base+"/api/v1/search?size=1", &after)
	if after.Total != 42 {
		t.Errorf("after a search and a restart the server serves %d models, want 42", after.Total)
	}
}

func TestSearchReadsAFolderNoServerHoldsAndChangesNothing(t *testing.T) {
	data := crawledFolder(t)
	files := snapshot(t, data)
	out, _, err := runCmd(t, nil, "search", "--data", data, "--region", "Pohjois-Karjala", "muistihoitaja")
	if err != nil || !strings.Contains(out, "1 models found") {
		t.Errorf("search: %v\n%s", err, out)
	}
	if got := snapshot(t, data); got != files {
		t.Errorf("search changed the data folder:\nbefore\n%s\nafter\n%s", files, got)
	}
}

func TestSearchOnAMissingEmptyOrForeignFolderFailsWithOneLine(t *testing.T) {
	emptyIndex := t.TempDir()
	ix, err := indexer.Open(emptyIndex, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "kuva.jpg"), []byte("not an index"), 0o644)
	brokenIndex := t.TempDir()
	os.MkdirAll(filepath.Join(brokenIndex, "index", "20260101T000000"), 0o755)
	os.WriteFile(filepath.Join(brokenIndex, "index", "CURRENT"), []byte("20260101T000000\n"), 0o644)
	for name, c := range map[string]struct{ dir, says string }{
		"missing":            {filepath.Join(t.TempDir(), "kirjoitusvirhe"), "holds no mallihaku index"},
		"empty":              {t.TempDir(), "holds no mallihaku index"},
		"foreign":            {foreign, "holds no mallihaku index"},
		"broken generation":  {brokenIndex, "holds no mallihaku index"},
		"index of no models": {emptyIndex, "holds no models yet"},
	} {
		t.Run(name, func(t *testing.T) {
			files := snapshot(t, c.dir)
			out, _, err := runCmd(t, nil, "search", "--data", c.dir, "päihde")
			if err == nil || exitCode(err) == 0 || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.says) {
				t.Errorf("search: %v (output %q), want one line that says %q", err, out, c.says)
			}
			if out != "" {
				t.Errorf("search printed %q; want nothing on stdout", out)
			}
			if got := snapshot(t, c.dir); got != files {
				t.Errorf("search changed the folder:\nbefore\n%s\nafter\n%s", files, got)
			}
		})
	}
}

func TestVersionAndInspectWriteNothing(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	data := filepath.Join(t.TempDir(), "data")
	page := filepath.Join(t.TempDir(), "uutinen.html")
	os.WriteFile(page, []byte("<html><body><h1>Ajankohtaista</h1></body></html>"), 0o644)
	env := []string{"MALLIHAKU_DATA=" + data}
	before := snapshot(t, work)
	if _, _, err := runCmd(t, env, "version"); err != nil {
		t.Errorf("version: %v", err)
	}
	runCmd(t, env, "inspect", page) // not a model page: an error, and still nothing written
	for _, dir := range []string{work, data} {
		if got := snapshot(t, dir); got != before && got != "(no folder)" {
			t.Errorf("version and inspect wrote to %s:\n%s", dir, got)
		}
	}
}
