package indexer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

// TestBuildOnAFullDiskFailsCleanly is RELIABILITY test 19: the data folder is a small tmpfs
// that a new generation cannot fit in. The build fails with an error, the live generation
// keeps serving and nothing unfinished is left behind.
func TestBuildOnAFullDiskFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot mount a small tmpfs for the disk-full test (CI runs as root): %v %s", err, out)
		}
		t.Skipf("mounting a tmpfs needs root: %s", out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })

	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Build(context.Background(), models("a", "b")); err != nil {
		t.Fatal(err)
	}
	live := ix.Generation()
	text := strings.Repeat("päihdetyön monialainen verkosto kokoontuu kuukausittain ", 40)
	_, err = ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		for i := 0; i < 1500; i++ {
			m := practice.Model{ID: fmt.Sprintf("iso-%d", i), Title: fmt.Sprintf("Iso malli %d", i),
				Sections: []practice.Section{{Heading: "Ratkaisun perusidea", Text: fmt.Sprintf("%s %d", text, i)}}}
			if err := put(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("a build bigger than the disk: %v, want it to fail for want of space", err)
	}
	if ix.Generation() != live {
		t.Errorf("generation switched to %s after a failed build", ix.Generation())
	}
	if n, err := ix.Count(); err != nil || n != 2 {
		t.Errorf("live index holds %d (%v), want the old 2", n, err)
	}
	if m, err := ix.Model(context.Background(), "a"); err != nil || m.ID != "a" {
		t.Errorf("live index does not answer: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "index"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), buildingSuffix) {
			t.Errorf("unfinished generation %s left on the full disk", e.Name())
		}
	}
}
