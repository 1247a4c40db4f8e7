package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
	"github.com/mallihaku/mallihaku/web"
)

// searchFlags are the flags of `mallihaku search` beyond the shared ones: the API's query
// parameters, one filter flag per facet (--region, --wellbeing-county, …, repeatable).
type searchFlags struct {
	filters   map[string]*[]string // facet key → values given
	sort      string
	page      int
	size      int
	facetSize int
	json      bool
}

func searchFlagSet(cfg *config, sf *searchFlags, stderr io.Writer) *flag.FlagSet {
	fs := flagSet("search", cfg, stderr, "data")
	sf.filters = map[string]*[]string{}
	for _, f := range search.Facets() {
		values := new([]string)
		sf.filters[f.Key] = values
		fs.Var(listFlag{values}, filterFlag(f.Key), "only models with this "+strings.ReplaceAll(f.Key, "_", " ")+" (repeatable: any of them)")
	}
	fs.StringVar(&sf.sort, "sort", "relevance", "order: relevance, modified, created or title")
	fs.IntVar(&sf.page, "page", 1, "page of results, from 1")
	fs.IntVar(&sf.size, "size", search.DefaultSize, fmt.Sprintf("results per page (1-%d)", search.MaxSize))
	fs.IntVar(&sf.facetSize, "facet-size", search.DefaultFacetSize, fmt.Sprintf("values per facet in --json (1-%d)", search.MaxFacetSize))
	fs.BoolVar(&sf.json, "json", false, "print the answer as the API's JSON (GET /api/v1/search)")
	return fs
}

// filterFlag is the flag of a facet's filter: its API parameter with - for _.
func filterFlag(key string) string { return strings.ReplaceAll(key, "_", "-") }

// request checks what the command line asks for before the index is opened: the
// numbers and the sort as the API checks them, and no flag written after the words (Go's
// flag package would read it as a word).
func (sf *searchFlags) request(fs *flag.FlagSet) (search.Request, error) {
	words := fs.Args()
	for _, w := range words {
		if name, ok := strings.CutPrefix(w, "--"); ok {
			if name, _, _ = strings.Cut(name, "="); fs.Lookup(name) != nil {
				return search.Request{}, fmt.Errorf("%w: %s after the words: give flags before the words", errUsage, w)
			}
		}
	}
	r := search.Request{Query: strings.Join(words, " "), Sort: sf.sort, Page: sf.page, Size: sf.size,
		FacetSize: sf.facetSize, Filters: map[string][]string{}}
	switch {
	case sf.page < 1:
		return r, fmt.Errorf("%w: --page must be 1 or more", errUsage)
	case sf.size < 1 || sf.size > search.MaxSize:
		return r, fmt.Errorf("%w: --size must be between 1 and %d", errUsage, search.MaxSize)
	case sf.facetSize < 1 || sf.facetSize > search.MaxFacetSize:
		return r, fmt.Errorf("%w: --facet-size must be between 1 and %d", errUsage, search.MaxFacetSize)
	case sf.page*sf.size > search.MaxDepth:
		return r, fmt.Errorf("%w: results beyond the first %d cannot be paged to (--page × --size)", errUsage, search.MaxDepth)
	}
	if !slices.Contains(search.Sorts(), sf.sort) {
		return r, fmt.Errorf("%w: --sort %q: use relevance, modified, created or title", errUsage, sf.sort)
	}
	for key, values := range sf.filters {
		for _, v := range *values {
			if strings.TrimSpace(v) == "" {
				return r, fmt.Errorf("%w: --%s is empty", errUsage, filterFlag(key))
			}
		}
		if len(*values) > 0 {
			r.Filters[key] = slices.Clone(*values)
		}
	}
	return r, nil
}

// runSearch searches a data folder from the terminal. It opens the index read-only: it never
// creates, builds or switches a generation, and refuses a folder a running server holds.
func runSearch(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	var sf searchFlags
	fs := searchFlagSet(&cfg, &sf, stderr)
	if err := parse(fs, args, env); err != nil {
		return err
	}
	if cfg.Data == "" {
		return fmt.Errorf("%w: search needs --data DIR", errUsage)
	}
	req, err := sf.request(fs)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	ix, err := indexer.OpenReadOnly(cfg.Data, cfg.OpenTimeout, log)
	switch {
	case errors.Is(err, indexer.ErrInUse):
		return fmt.Errorf("search: %s is in use by a running mallihaku (serve or crawl): search through its API (GET /api/v1/search), or wait until it stops", cfg.Data)
	case errors.Is(err, indexer.ErrNoIndex):
		return fmt.Errorf("search: %s holds no mallihaku index (the folder is missing, empty or not a data folder; mallihaku crawl fills one)", cfg.Data)
	case err != nil:
		return fmt.Errorf("search: %w", err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil {
		return fmt.Errorf("search: %w", err)
	} else if n == 0 {
		return fmt.Errorf("search: the index in %s holds no models yet (mallihaku crawl fills it)", cfg.Data)
	}
	s := search.NewSearcher(ix)
	defer s.Close()
	if err := knownFilters(ctx, s, req.Filters); err != nil {
		return err
	}
	res, err := s.Search(ctx, req)
	if search.IsBadQuery(err) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err != nil {
		return err
	}
	if sf.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(web.SearchResponse(res))
	}
	printResult(stdout, req, res)
	return nil
}

func printResult(w io.Writer, req search.Request, res search.Result) {
	if sg := res.Suggestion; sg != nil && sg.Applied {
		fmt.Fprintf(w, "Haulla ”%s” ei löytynyt mitään. Näytetään tulokset haulle %s.\n", strings.TrimSpace(req.Query), sg.Query)
	} else if sg != nil {
		fmt.Fprintf(w, "Tarkoititko: %s?\n", sg.Query)
	}
	if res.Relaxed {
		fmt.Fprintf(w, "Haun ”%s” yhdyssanoja ei löytynyt sellaisinaan. Näytetään mallit, joissa niiden osat ovat erikseen.\n", strings.TrimSpace(req.Query))
	}
	fmt.Fprintf(w, "%d models found", res.Total)
	if from := uint64((res.Page-1)*res.Size) + 1; res.Page > 1 || uint64(len(res.Hits)) < res.Total {
		fmt.Fprintf(w, ", showing %d-%d (page %d)", from, from+uint64(len(res.Hits))-1, res.Page)
	}
	fmt.Fprintln(w)
	for i, h := range res.Hits {
		m := h.Model
		fmt.Fprintf(w, "\n%2d. %s\n    %s · %s · päivitetty %s\n    %s\n", (res.Page-1)*res.Size+i+1, m.Title,
			strings.Join(m.Region, ", "), m.Phase, m.Modified.Finnish(), m.URL)
	}
}

// knownFilters refuses a filter value that names nothing: not a value any model of the index
// has, nor a region, wellbeing services county, municipality or phase the classification
// knows. Values are matched case-insensitively and replaced by the index's spelling, so that
// --region pirkanmaa finds what --region Pirkanmaa does.
func knownFilters(ctx context.Context, s *search.Searcher, filters map[string][]string) error {
	if len(filters) == 0 {
		return nil
	}
	all, err := s.AllFacets(ctx)
	if err != nil {
		return err
	}
	places := practice.DefaultGazetteer()
	for _, key := range slices.Sorted(maps.Keys(filters)) {
		for i, v := range filters[key] {
			canonical, ok := knownValue(all[key], places, key, v)
			if !ok {
				return fmt.Errorf("%w: unknown %s %q: no model in the index has it%s", errUsage,
					strings.ReplaceAll(key, "_", " "), v, examples(all[key]))
			}
			filters[key][i] = canonical
		}
	}
	return nil
}

func knownValue(values []search.FacetValue, places *practice.Gazetteer, key, v string) (string, bool) {
	for _, fv := range values {
		if strings.EqualFold(fv.Value, strings.TrimSpace(v)) {
			return fv.Value, true
		}
	}
	// A real value that no model has yet: the search then honestly finds none.
	switch key {
	case "phase":
		if p, ok := practice.CanonicalPhase(v); ok {
			return p, true
		}
	case "region", "wellbeing_county", "municipality":
		p, ok := places.Lookup(v)
		named := map[string]string{"region": p.Region, "wellbeing_county": p.County, "municipality": p.Municipality}
		deeper := map[string]string{"region": p.County, "wellbeing_county": p.Municipality}
		if ok && named[key] != "" && deeper[key] == "" {
			return named[key], true
		}
	}
	return "", false
}

// examples names a few values of a facet for an error message.
func examples(values []search.FacetValue) string {
	if len(values) == 0 {
		return ""
	}
	var names []string
	for _, v := range values[:min(len(values), 5)] {
		names = append(names, v.Value)
	}
	more := ""
	if len(values) > 5 {
		more = ", …"
	}
	return " (known: " + strings.Join(names, ", ") + more + ")"
}
