package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/perfcorpus"
	"github.com/mallihaku/mallihaku/practice"
)

// jsonlDir is the index folder of a models.jsonl: one per file, size and modification time,
// so that a regenerated corpus gets a new index.
func jsonlDir(data, file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", abs, st.Size(), st.ModTime().UnixNano()))
	return filepath.Join(data, fmt.Sprintf("jsonl-%x", sum[:6])), nil
}

// buildJSONL indexes every model of a models.jsonl of ../shared/perf/gen.py.
func buildJSONL(ctx context.Context, ix *indexer.Index, file string, stderr io.Writer) error {
	_, err := ix.Build(ctx, func(ctx context.Context, put func(practice.Model) error) error {
		n := 0
		return perfcorpus.Models(ctx, file, 0, func(m practice.Model) error {
			if n++; n%10000 == 0 {
				fmt.Fprintf(stderr, "bench: %d models indexed\n", n)
			}
			return put(m)
		})
	})
	return err
}

// loadQueries reads a query list as ../shared/perf/queries.txt: its one-word and three-word
// queries, both needed.
func loadQueries(file string) (one, three []string, err error) {
	if one, three, err = perfcorpus.Queries(file); err == nil && (len(one) == 0 || len(three) == 0) {
		err = fmt.Errorf("%s: no one-word or no three-word queries", file)
	}
	return one, three, err
}
