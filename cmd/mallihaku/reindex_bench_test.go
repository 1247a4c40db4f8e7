package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
	"github.com/mallihaku/mallihaku/store"
)

// benchModels is how many generated models a benchmark uses (benchq.Models).
func benchModels(b *testing.B, def int) int {
	n, err := benchq.Models(def)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// pageOf writes a generated model as a sample page, so that it can be rendered to HTML.
func pageOf(m practice.Model, i int) sample.Page {
	p := sample.Page{Slug: m.ID, Markup: []string{"drupal", "dl"}[i%2], RegionLabel: []string{"old", "new"}[i%2],
		Title: m.Title, Summary: m.Summary, Location: m.Location, Funders: m.Funders, Programme: m.Programme.Name,
		Authors: m.Authors, Created: m.Created.Finnish(), Modified: m.Modified.Finnish(), Phase: m.Phase,
		Topics: m.Topics, Phenomena: m.Phenomena, TargetGroups: m.TargetGroups}
	p.Regions = append(append(append([]string{}, m.Region...), m.WellbeingCounty...), m.Municipality...)
	for _, s := range m.Sections {
		p.Sections = append(p.Sections, sample.Section{Heading: s.Heading, Text: s.Text})
	}
	return p
}

// BenchmarkFullReindexFromPageCache measures `mallihaku crawl --reparse`: every model of a
// page cache of generated pages (10,000 by default) extracted again and built into a new
// index generation, without the network.
//
//	go test -run XXX -bench FullReindexFromPageCache -benchtime 1x ./cmd/mallihaku
func BenchmarkFullReindexFromPageCache(b *testing.B) {
	n := benchModels(b, 10000)
	data := b.TempDir()
	st, err := store.Open(data, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := synthetic.New(7)
	if err != nil {
		b.Fatal(err)
	}
	site, err := sample.NewSite()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		m := gen.Model()
		m.Lang = "fi"
		p := pageOf(m, i)
		html, err := site.RenderModelPage(&p, "https://innokyla.fi")
		if err != nil {
			b.Fatal(err)
		}
		u := "https://innokyla.fi/fi/toimintamalli/" + p.Slug
		if err := st.PutPage(store.Page{URL: u, ModelID: p.Slug, Status: 200, FetchedAt: time.Now(), ContentType: "text/html"}, html); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, logs, err := runCmd(&testing.T{}, nil, "crawl", "--reparse", "--data", data, "--log-level", "error")
		if err != nil || !strings.Contains(out, fmt.Sprintf("done: %d models", n)) {
			b.Fatalf("reparse: %v\n%s\n%s", err, out, logs)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/reindex")
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "models/s")
	}
}

var vmHWM = regexp.MustCompile(`VmHWM:\s+(\d+) kB`)

// BenchmarkServerPeakRSS measures the peak resident memory of `mallihaku serve` holding
// 100,000 generated models (MALLIHAKU_BENCH_MODELS) after a mix of searches.
//
//	go test -run XXX -bench ServerPeakRSS -benchtime 1x -timeout 30m ./cmd/mallihaku
func BenchmarkServerPeakRSS(b *testing.B) {
	n := benchModels(b, 100000)
	data := b.TempDir()
	ix, err := indexer.Open(data, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	gen, err := synthetic.New(11)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		for i := 0; i < n; i++ {
			if err := put(gen.Model()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	ix.Close()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "serve", "--data", data, "--addr", "127.0.0.1:0", "--search-rate", "0", "--log-level", "error")
		cmd.Env = append(os.Environ(), "MALLIHAKU_TEST_MAIN=1")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var base string
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
				break
			}
		}
		queries := []string{"", "region=Uusimaa", "q=päihdetyö", "q=nuorten+mielenterveys&region=Pirkanmaa&phase=Valmis", "page=50&size=100", "q=kotihoito&sort=modified"}
		for j := 0; j < 300; j++ {
			resp, err := http.Get(base + "/api/v1/search?" + queries[j%len(queries)])
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		cmd.Process.Kill()
		cmd.Wait()
		if m := vmHWM.FindSubmatch(status); m != nil {
			kb, _ := strconv.Atoi(string(m[1]))
			b.ReportMetric(float64(kb)/1024, "MiB-peak-RSS")
		}
	}
}
