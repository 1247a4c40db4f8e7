// Package perfcorpus reads the generated corpus of ../shared/perf/gen.py (models.jsonl, one
// practice model a line) into practice.Model values, and its fixed query list, for the
// scale benchmarks. The generator itself stays in ../shared: it is not ours to copy.
package perfcorpus

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mallihaku/mallihaku/practice"
)

// line is one generated model as gen.py writes it.
type line struct {
	ID           string   `json:"id"`
	Path         string   `json:"path"`
	Title        string   `json:"title"`
	Summary      string   `json:"summary"`
	Location     string   `json:"location"`
	Regions      []string `json:"regions"`
	Phase        string   `json:"phase"`
	Topics       []string `json:"topics"`
	TargetGroups []string `json:"target_groups"`
	Funders      []string `json:"funders"`
	Created      string   `json:"created"`
	Modified     string   `json:"modified"`
	Sections     []struct {
		Heading string `json:"heading"`
		Text    string `json:"text"`
	} `json:"sections"`
}

// Models calls put for each model of the file, normalised as the crawler would (regions by
// the gazetteer, dates, phase), up to limit models (0: all).
func Models(ctx context.Context, path string, limit int, put func(practice.Model) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	g := practice.DefaultGazetteer()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 0; limit == 0 || n < limit; n++ {
		if n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, err := r.ReadBytes('\n')
		if err == io.EOF && len(b) == 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		var l line
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("%s: model %d: %w", path, n+1, err)
		}
		m := practice.Model{ID: l.ID, URL: "https://innokyla.fi" + l.Path, Lang: "fi", Title: l.Title, Summary: l.Summary,
			Location: l.Location, RegionsRaw: l.Regions, Topics: l.Topics, TargetGroups: l.TargetGroups, Funders: l.Funders}
		regions := g.Normalize(l.Regions)
		m.Region, m.WellbeingCounty, m.Municipality = regions.Region, regions.WellbeingCounty, regions.Municipality
		if p, ok := practice.CanonicalPhase(l.Phase); ok {
			m.Phase = p
		}
		m.Created, _ = practice.ParseDate(l.Created)
		m.Modified, _ = practice.ParseDate(l.Modified)
		for _, s := range l.Sections {
			m.Sections = append(m.Sections, practice.Section{Heading: s.Heading, Text: s.Text})
		}
		if err := put(m); err != nil {
			return err
		}
	}
	return nil
}

// Queries reads gen.py's queries.txt: the one-word and the three-word queries.
func Queries(path string) (oneWord, threeWords []string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		switch len(strings.Fields(l)) {
		case 1:
			oneWord = append(oneWord, l)
		case 3:
			threeWords = append(threeWords, l)
		}
	}
	return oneWord, threeWords, nil
}

// FromEnv is the corpus the scale benchmarks read: the models.jsonl that
// MALLIHAKU_PERF_MODELS names ("" when unset), and how many of its models to take,
// MALLIHAKU_PERF_LIMIT (def when unset or not a number; 0 takes all).
func FromEnv(def int) (path string, limit int) {
	limit = def
	if n, err := strconv.Atoi(os.Getenv("MALLIHAKU_PERF_LIMIT")); err == nil {
		limit = n
	}
	return os.Getenv("MALLIHAKU_PERF_MODELS"), limit
}
