package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/practice"
)

// ErrNotFound means no model has the ID asked for.
var ErrNotFound = errors.New("no such model")

const (
	pointerFile     = "CURRENT"
	buildingSuffix  = ".building"
	metaMapping     = "mallihaku.mapping_version"
	metaAnalyzer    = "mallihaku.analyzer"
	batchSize       = 200
	generationsKept = 2 // the live one and the previous one, as a fallback
)

// Index is the live search index of one data folder: the current generation, behind a bleve
// IndexAlias so that a new generation is switched in without a search ever seeing none.
type Index struct {
	dir    string
	log    *slog.Logger
	alias  bleve.IndexAlias
	terms  analysis.Analyzer
	mu     sync.RWMutex // guards gen and idx; writers of the live index hold it for reading
	gen    string
	idx    bleve.Index
	writes sync.Mutex // one writer at a time: an incremental update or a generation switch
	// version changes on every write, so caches of search results can tell they are stale.
	version atomic.Uint64
	// failpoint, when set (WithFailpoint), is called at each step of a generation switch.
	failpoint func(step string)

	// analyzer is the Finnish analysis new generations are built with.
	analyzer *finnish.Analyzer
	// readOnly is set by OpenReadOnly: every write fails with ErrReadOnly.
	readOnly bool
}

// Open opens the index in dir/index, creating an empty first generation when there is none.
// Unfinished generations left by an interrupted build are removed. log gets the index's log;
// nil discards it.
func Open(dir string, log *slog.Logger, opts ...Option) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root := filepath.Join(dir, "index")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	ix := &Index{dir: root, log: log, alias: bleve.NewIndexAlias(), analyzer: defaultAnalyzer()}
	for _, o := range opts {
		o(ix)
	}
	if ix.terms = textAnalyzer(ix.analyzer.Name()); ix.terms == nil {
		return nil, fmt.Errorf("open index: the %s analyzer is not available", ix.analyzer.Name())
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), buildingSuffix) {
			log.Info("removing unfinished index generation", "generation", e.Name())
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	gen, err := ix.readPointer()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Error("index pointer unreadable; trying the newest generation", "err", err)
	}
	// The generation the pointer names, else the newest other one (the previous generation is
	// kept as a fallback), else an empty index that the next reindex fills.
	for _, g := range ix.candidates(gen) {
		idx, openErr := bleve.OpenUsing(filepath.Join(root, g), map[string]any{"bolt_timeout": "5s"})
		if openErr != nil {
			log.Error("index generation does not open", "generation", g, "err", openErr)
			continue
		}
		if g != gen {
			log.Warn("serving the previous index generation; the next full reindex replaces it", "generation", g)
			if err := ix.writePointer(g); err != nil {
				idx.Close()
				return nil, fmt.Errorf("open index: %w", err)
			}
		}
		ix.install(g, idx)
		ix.checkMeta(idx)
		ix.tidy(g)
		return ix, nil
	}
	if _, err := ix.Build(context.Background(), func(context.Context, func(practice.Model) error) error { return nil }); err != nil {
		return nil, err
	}
	return ix, nil
}

// candidates lists the generations to try opening, the pointed-to one first, then the others
// newest first.
func (ix *Index) candidates(pointed string) []string {
	var gens []string
	if pointed != "" {
		gens = append(gens, pointed)
	}
	entries, _ := os.ReadDir(ix.dir)
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.IsDir() && !strings.HasSuffix(e.Name(), buildingSuffix) && e.Name() != pointed {
			gens = append(gens, e.Name())
		}
	}
	return gens
}

func (ix *Index) readPointer() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, pointerFile))
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if gen == "" || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("index pointer %q is damaged", gen)
	}
	return gen, nil
}

// writePointer replaces the pointer file atomically: write, fsync, rename.
func (ix *Index) writePointer(gen string) error {
	tmp := filepath.Join(ix.dir, pointerFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, pointerFile)); err != nil {
		return err
	}
	if d, err := os.Open(ix.dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (ix *Index) install(gen string, idx bleve.Index) (old bleve.Index) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old = ix.idx
	if old == nil {
		ix.alias.Add(idx)
	} else {
		ix.alias.Swap([]bleve.Index{idx}, []bleve.Index{old})
	}
	ix.gen, ix.idx = gen, idx
	ix.version.Add(1)
	return old
}

// ErrTooFewModels means a new generation held far fewer models than the live one and was not
// switched in: a site that lost most of its pages overnight is more likely broken than empty.
var ErrTooFewModels = errors.New("new index generation holds far fewer models than the live one")

// Steps of a generation switch, named for failpoints.
const (
	StepBuild    = "build"    // the new generation is written
	StepValidate = "validate" // it is reopened, counted and probed
	StepPointer  = "pointer"  // the CURRENT pointer is replaced
	StepSwap     = "swap"     // searches switch to it
	StepRemove   = "remove"   // the oldest generations are deleted
	StepApply    = "apply"    // an incremental update is about to be written
)

// Build makes a new generation from what fill puts into it, checks that it opens, holds what
// was put and answers a probe query, and only then switches searches to it. A failed or
// cancelled build leaves the live generation untouched. It returns the number of models in
// the new generation.
func (ix *Index) Build(ctx context.Context, fill func(ctx context.Context, put func(practice.Model) error) error) (int, error) {
	return ix.BuildGuarded(ctx, fill, 1)
}

// Models is a fill for Build that puts the given models.
func Models(models ...practice.Model) func(ctx context.Context, put func(practice.Model) error) error {
	return func(_ context.Context, put func(practice.Model) error) error {
		for _, m := range models {
			if err := put(m); err != nil {
				return err
			}
		}
		return nil
	}
}

// BuildGuarded is Build that refuses, with ErrTooFewModels, a generation that would drop
// more than maxDrop (0 to 1) of the live generation's models.
func (ix *Index) BuildGuarded(ctx context.Context, fill func(ctx context.Context, put func(practice.Model) error) error, maxDrop float64) (int, error) {
	if ix.readOnly {
		return 0, fmt.Errorf("build index: %w", ErrReadOnly)
	}
	ix.writes.Lock()
	defer ix.writes.Unlock()
	gen := newGenerationName()
	building := filepath.Join(ix.dir, gen+buildingSuffix)
	idx, err := bleve.New(building, newMapping(ix.analyzer.Name()))
	if err != nil {
		return 0, fmt.Errorf("build index: %w", err)
	}
	fail := func(err error) (int, error) {
		idx.Close()
		os.RemoveAll(building)
		return 0, fmt.Errorf("build index: %w", err)
	}
	batch := idx.NewBatch()
	ids := map[string]bool{}
	var probe string // a model's ID, to check the new generation answers with its document
	put := func(m practice.Model) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		doc, err := document(m)
		if err != nil {
			return err
		}
		ids[m.ID] = true
		if probe == "" {
			probe = m.ID
		}
		if err := batch.Index(m.ID, doc); err != nil {
			return err
		}
		if batch.Size() >= batchSize {
			if err := idx.Batch(batch); err != nil {
				return err
			}
			batch.Reset()
		}
		return nil
	}
	if err := fill(ctx, put); err != nil {
		return fail(err)
	}
	if err := idx.Batch(batch); err != nil {
		return fail(err)
	}
	if err := idx.SetInternal([]byte(metaMapping), []byte(strconv.Itoa(MappingVersion))); err != nil {
		return fail(err)
	}
	if err := idx.SetInternal([]byte(metaAnalyzer), []byte(ix.analyzer.Name())); err != nil {
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		return fail(err)
	}
	ix.step(StepBuild)
	if live, _ := ix.Count(); maxDrop < 1 && float64(len(ids)) < float64(live)*(1-maxDrop) {
		os.RemoveAll(building)
		return 0, fmt.Errorf("build index: %w: %d, live %d (more than %.0f%% fewer)", ErrTooFewModels, len(ids), live, maxDrop*100)
	}
	final := filepath.Join(ix.dir, gen)
	if err := os.Rename(building, final); err != nil {
		os.RemoveAll(building)
		return 0, fmt.Errorf("build index: %w", err)
	}
	if err := ix.switchTo(ctx, gen, len(ids), probe); err != nil {
		return 0, fmt.Errorf("build index: %w", err)
	}
	return len(ids), nil
}

// switchTo opens the finished generation gen in the index folder, checks that it holds want
// models and answers for probe, and switches searches to it: pointer, swap, then the oldest
// generations go. A generation that fails the checks is removed; the live one stays. The
// caller holds ix.writes.
func (ix *Index) switchTo(ctx context.Context, gen string, want int, probe string) error {
	final := filepath.Join(ix.dir, gen)
	idx, err := bleve.OpenUsing(final, map[string]any{"bolt_timeout": "5s"})
	if err != nil {
		os.RemoveAll(final)
		return fmt.Errorf("new generation does not open: %w", err)
	}
	if err := validate(ctx, idx, want, probe); err != nil {
		idx.Close()
		os.RemoveAll(final)
		return fmt.Errorf("new generation is not sound: %w", err)
	}
	ix.step(StepValidate)
	if err := ix.writePointer(gen); err != nil {
		idx.Close()
		os.RemoveAll(final)
		return err
	}
	ix.step(StepPointer)
	if old := ix.install(gen, idx); old != nil {
		// Swap does not close the old index; in-flight searches on it hold the alias's read
		// lock, which Swap waited for, so it is safe to close now.
		old.Close()
	}
	ix.step(StepSwap)
	ix.removeOldGenerations(gen)
	ix.step(StepRemove)
	ix.log.Info("index generation switched", "generation", gen, "models", want)
	return nil
}

func newGenerationName() string { return time.Now().UTC().Format("20060102T150405.000000000") }

// GenerationDir returns the folder of the live generation.
func (ix *Index) GenerationDir() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return filepath.Join(ix.dir, ix.gen)
}

// validate checks a reopened generation: it holds want models and returns the stored
// document of the probe model.
func validate(ctx context.Context, idx bleve.Index, want int, probe string) error {
	n, err := idx.DocCount()
	if err != nil {
		return err
	}
	if int(n) != want {
		return fmt.Errorf("holds %d models, want %d", n, want)
	}
	if want == 0 {
		return nil
	}
	var q query.Query = query.NewDocIDQuery([]string{probe})
	if probe == "" {
		q = query.NewMatchAllQuery() // any model will do
	}
	req := bleve.NewSearchRequest(q)
	req.Size = 1
	req.Fields = []string{FieldModel}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("probe query: %w", err)
	}
	if len(res.Hits) != 1 {
		return fmt.Errorf("probe query for %q found %d models", probe, len(res.Hits))
	}
	if _, err := DecodeModel(res.Hits[0].Fields); err != nil {
		return fmt.Errorf("probe model %q: %w", probe, err)
	}
	return nil
}

func (ix *Index) step(name string) {
	if ix.failpoint != nil {
		ix.failpoint(name)
	}
}

// tidy removes, once live is open, the generation folders a crash left: those newer than the
// live one (built, maybe checked, never switched in) and all older ones but the newest (the
// fallback a switch keeps).
func (ix *Index) tidy(live string) {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	fallback := ""
	for _, e := range entries { // names sort by build time
		if e.IsDir() && !strings.HasSuffix(e.Name(), buildingSuffix) && e.Name() < live {
			fallback = e.Name()
		}
	}
	for _, e := range entries {
		if name := e.Name(); e.IsDir() && name != live && name != fallback {
			ix.log.Info("removing an index generation left by a crash", "generation", name, "live", live)
			if err := os.RemoveAll(filepath.Join(ix.dir, name)); err != nil {
				ix.log.Warn("index generation not removed", "generation", name, "err", err)
			}
		}
	}
}

// removeOldGenerations keeps the live generation and the one before it.
func (ix *Index) removeOldGenerations(live string) {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	var gens []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasSuffix(e.Name(), buildingSuffix) && e.Name() != live {
			gens = append(gens, e.Name())
		}
	}
	// Names sort by build time; keep the newest generationsKept-1 of the others.
	for i := 0; i < len(gens)-(generationsKept-1); i++ {
		os.RemoveAll(filepath.Join(ix.dir, gens[i]))
	}
}

// Apply adds or replaces the models in put and removes the IDs in remove, in the live
// generation, in batches.
func (ix *Index) Apply(put []practice.Model, remove []string) error {
	if ix.readOnly {
		return fmt.Errorf("update index: %w", ErrReadOnly)
	}
	ix.step(StepApply)
	ix.writes.Lock()
	defer ix.writes.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	batch := ix.idx.NewBatch()
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := ix.idx.Batch(batch); err != nil {
			return fmt.Errorf("update index: %w", err)
		}
		batch.Reset()
		ix.version.Add(1)
		return nil
	}
	for _, m := range put {
		doc, err := document(m)
		if err != nil {
			return err
		}
		if err := batch.Index(m.ID, doc); err != nil {
			return err
		}
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for _, id := range remove {
		batch.Delete(id)
	}
	if len(put)+len(remove) > 0 {
		batch.SetInternal([]byte(metaUpdated), updatedStamp())
	}
	return flush()
}

// Put adds or replaces one model in the live generation.
func (ix *Index) Put(m practice.Model) error { return ix.Apply([]practice.Model{m}, nil) }

// Delete removes one model from the live generation.
func (ix *Index) Delete(id string) error { return ix.Apply(nil, []string{id}) }

// Search runs a bleve request on the live generation.
func (ix *Index) Search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return ix.alias.SearchInContext(ctx, req)
}

// Model returns the stored document of one model.
func (ix *Index) Model(ctx context.Context, id string) (practice.Model, error) {
	req := bleve.NewSearchRequest(query.NewDocIDQuery([]string{id}))
	req.Fields = []string{FieldModel}
	res, err := ix.Search(ctx, req)
	if err != nil {
		return practice.Model{}, err
	}
	if len(res.Hits) == 0 {
		return practice.Model{}, ErrNotFound
	}
	return DecodeModel(res.Hits[0].Fields)
}

// DecodeModel reads the stored document from a hit's fields (requested with FieldModel).
func DecodeModel(fields map[string]any) (practice.Model, error) {
	var m practice.Model
	s, ok := fields[FieldModel].(string)
	if !ok {
		return m, errors.New("hit has no stored model")
	}
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// Count returns the number of models in the live generation.
func (ix *Index) Count() (uint64, error) { return ix.alias.DocCount() }

// Generation names the live generation.
func (ix *Index) Generation() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.gen
}

// Terms returns the terms the text analyzer makes of s: empty for stop words and punctuation.
func (ix *Index) Terms(s string) []string {
	var terms []string
	for _, tok := range ix.terms.Analyze([]byte(s)) {
		terms = append(terms, string(tok.Term))
	}
	return terms
}

// Outdated reports whether the live generation was built with another mapping version or
// another analyzer than a new one would be, so that it should be rebuilt.
func (ix *Index) Outdated() bool {
	ix.mu.RLock()
	idx := ix.idx
	ix.mu.RUnlock()
	if idx == nil {
		return false
	}
	v, _ := idx.GetInternal([]byte(metaMapping))
	a, _ := idx.GetInternal([]byte(metaAnalyzer))
	return string(v) != strconv.Itoa(MappingVersion) || string(a) != ix.analyzer.Name()
}

// Version changes whenever the searchable content changes.
func (ix *Index) Version() uint64 { return ix.version.Load() }

// Close closes the live generation.
func (ix *Index) Close() error {
	ix.writes.Lock()
	defer ix.writes.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	return err
}
