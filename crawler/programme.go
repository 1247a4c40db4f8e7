package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/store"
)

// programmes is what a run knows of the site's programmes (toimintamallin kokonaisuudet):
// each by ID, the programme each model's listing files it under, and the models whose pages
// link to each. Programmes are documents of their own, kept in the store; they are never
// models and never counted as such.
type programmes struct {
	byID    map[string]practice.Programme
	members map[string]string   // model ID → programme ID, from the programmes' listings
	linked  map[string][]string // programme ID → models whose pages link to it, this run
	linkURL map[string]string   // programme ID → the URL those pages link to
	visited map[string]bool     // programme URLs visited this run
}

func newProgrammes() *programmes {
	return &programmes{byID: map[string]practice.Programme{}, members: map[string]string{},
		linked: map[string][]string{}, linkURL: map[string]string{}, visited: map[string]bool{}}
}

// add takes a programme and the models its listing names.
func (ps *programmes) add(p practice.Programme) {
	ps.byID[p.ID] = p
	for _, id := range p.Models {
		if _, ok := ps.members[id]; !ok {
			ps.members[id] = p.ID
		}
	}
}

// member is the programme a model's listing files it under, the zero ref when none does.
func (ps *programmes) member(modelID string) practice.ProgrammeRef {
	if p, ok := ps.byID[ps.members[modelID]]; ok {
		return p.Ref()
	}
	return practice.ProgrammeRef{}
}

// link sets the model's programme: the one its page links to, under the programme's own name
// when its page is known, else the one whose listing names it.
func (ps *programmes) link(m *practice.Model) {
	if m.Programme.ID == "" {
		if ref := ps.member(m.ID); ref.ID != "" {
			m.Programme = ref
		}
		return
	}
	if p, ok := ps.byID[m.Programme.ID]; ok {
		m.Programme = p.Ref()
	}
}

// storedProgrammes reads the programmes the store keeps.
func storedProgrammes(st *store.Store) (*programmes, error) {
	ps := newProgrammes()
	err := st.Programmes(func(id string, doc []byte) error {
		var p practice.Programme
		if err := json.Unmarshal(doc, &p); err != nil {
			return fmt.Errorf("programme %s: %w", id, err)
		}
		ps.add(p)
		return nil
	})
	return ps, err
}

// crawlProgrammes visits the programme pages discovery found and those the store keeps, with
// the listing of each one's models, before the models, so that each model can be linked to
// its programme. The models the listings name are added to found.
func (r *run) crawlProgrammes(ctx context.Context, urls map[string]bool, found map[string]time.Time) error {
	stored, err := storedProgrammes(r.c.cfg.Store)
	if err != nil {
		return err
	}
	for _, p := range stored.byID {
		if cu, ok := r.c.canon.canon(p.URL); ok {
			urls[cu] = true
		}
	}
	for _, u := range sortedKeys(urls) {
		if ctx.Err() != nil {
			return nil
		}
		old, known := stored.byID[extract.ProgrammeID(u, r.c.cfg.Profile)]
		p, ok, err := r.programme(ctx, u, old, known, found)
		if err != nil {
			return err
		}
		if ok {
			r.progs.add(p)
		}
	}
	return nil
}

// programme visits one programme page and its listing. ok is false when there is no
// programme there (now); a programme whose page fails keeps its old version.
func (r *run) programme(ctx context.Context, u string, old practice.Programme, known bool, found map[string]time.Time) (practice.Programme, bool, error) {
	r.progs.visited[u] = true
	log := r.c.cfg.Logger.With("url", u)
	body, err := r.fetchDoc(ctx, u, r.c.cfg.MaxBody, htmlContent)
	var se *statusError
	switch {
	case errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone):
		if known {
			log.Info("programme page gone, programme removed", "id", old.ID)
			r.count(reindex.ProgrammesDeleted)
			if err := r.c.cfg.Store.DeleteProgramme(old.ID); err != nil {
				return old, false, fmt.Errorf("remove programme %s: %w", old.ID, err)
			}
		}
		return old, false, nil
	case err != nil:
		log.Warn("programme page not read, old version kept", "err", err)
		r.count(reindex.ProgrammesFailed)
		return old, known, nil
	}
	p, rep, err := extract.ProgrammeHTML(u, body, r.c.cfg.Profile)
	if err != nil {
		log.Info("page skipped", "reason", err.Error())
		return old, known, nil
	}
	for _, v := range rep.NotUnderstood {
		log.Warn("programme value not understood", "value", v)
	}
	p.FetchedAt = time.Now()
	p.Models = old.Models
	if listed, ok := r.programmeListing(ctx, log, u, found); ok {
		p.Models = listed
	}
	p = p.WithEmptyLists()
	r.count(reindex.Programmes)
	return p, true, r.saveProgramme(p)
}

// programmeListing reads a programme's listing of its models; ok is false when it could not
// be read.
func (r *run) programmeListing(ctx context.Context, log *slog.Logger, programmeURL string, found map[string]time.Time) (ids []string, ok bool) {
	lu := programmeURL + r.c.cfg.Profile.ProgrammeListing
	body, err := r.fetchDoc(ctx, lu, r.c.cfg.MaxBody, htmlContent)
	if err != nil {
		log.Warn("programme listing not read, the models it had kept", "listing", lu, "err", err)
		return nil, false
	}
	ids = []string{}
	for _, href := range scanHTML(body).links {
		cu, ok := r.c.canon.resolve(lu, href)
		if !ok || !r.c.canon.isModel(cu) {
			continue
		}
		if _, ok := found[cu]; !ok {
			found[cu] = time.Time{}
		}
		if id := extract.ModelID(cu, r.c.cfg.Profile); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, true
}

// settleProgrammes visits the programmes model pages linked to that this run had not, and
// adds to every programme the models that link to it.
func (r *run) settleProgrammes(ctx context.Context) error {
	for _, id := range sortedKeys(r.progs.linked) {
		if _, ok := r.progs.byID[id]; ok {
			continue
		}
		u := r.progs.linkURL[id]
		if u == "" || r.progs.visited[u] || !r.robots.allowed(u) {
			continue
		}
		p, ok, err := r.programme(ctx, u, practice.Programme{}, false, map[string]time.Time{})
		if err != nil {
			return err
		}
		if ok {
			r.progs.add(p)
		}
	}
	for id, models := range r.progs.linked {
		p, ok := r.progs.byID[id]
		if !ok {
			continue
		}
		n := len(p.Models)
		for _, m := range models {
			if !slices.Contains(p.Models, m) {
				p.Models = append(p.Models, m)
			}
		}
		if len(p.Models) != n {
			slices.Sort(p.Models)
			r.progs.byID[id] = p
			if err := r.saveProgramme(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) saveProgramme(p practice.Programme) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := r.c.cfg.Store.PutProgramme(p.ID, doc); err != nil {
		return fmt.Errorf("save programme %s: %w", p.ID, err)
	}
	return nil
}

// linkModel sets a model's programme and remembers a page's link to one.
func (r *run) linkModel(m *practice.Model) {
	r.mu.Lock()
	defer r.mu.Unlock()
	linkedByPage := m.Programme.ID != ""
	r.progs.link(m)
	if linkedByPage {
		id := m.Programme.ID
		if !slices.Contains(r.progs.linked[id], m.ID) {
			r.progs.linked[id] = append(r.progs.linked[id], m.ID)
		}
		if cu, ok := r.c.canon.canon(m.Programme.URL); ok {
			r.progs.linkURL[id] = cu
		}
	}
}

// developmentPath reads the development-path sub-page of the model at modelURL: fetched
// politely and conditionally and cached like any page, with a remembered absence (404) asked
// again only by full runs. When the page cannot be read the cached copy stands. sum is a
// digest of what was read, "" when the model has no path.
func (r *run) developmentPath(ctx context.Context, log *slog.Logger, modelURL string) (secs []practice.Section, sum string, err error) {
	r.mu.Lock()
	if p, ok := r.paths[modelURL]; ok {
		r.mu.Unlock()
		return p.secs, p.sum, nil
	}
	r.mu.Unlock()
	defer func() {
		if err == nil {
			r.mu.Lock()
			r.paths[modelURL] = pathRead{secs, sum}
			r.mu.Unlock()
		}
	}()
	pu := modelURL + r.c.cfg.Profile.PathPage
	if !r.robots.allowed(pu) {
		return nil, "", nil
	}
	prev, known, err := r.c.cfg.Store.Page(pu)
	if err != nil {
		return nil, "", fmt.Errorf("read state of %s: %w", pu, err)
	}
	if known && prev.Status == http.StatusNotFound && !r.full {
		return nil, "", nil
	}
	body, ferr := r.fetchDoc(ctx, pu, r.c.cfg.MaxBody, htmlContent)
	var se *statusError
	switch {
	case errors.As(ferr, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone):
		now := time.Now()
		if err := r.c.cfg.Store.DeletePage(pu); err != nil {
			return nil, "", fmt.Errorf("forget %s: %w", pu, err)
		}
		return nil, "", r.save(store.Page{URL: pu, Status: http.StatusNotFound, FetchedAt: now, LastSeen: now}, nil)
	case ferr != nil:
		if ctx.Err() == nil && !errors.Is(ferr, ErrBudget) {
			log.Warn("development path not read, cached copy kept", "path", pu, "err", ferr)
		}
		if body, err = r.c.cfg.Store.Body(pu); err != nil || body == nil {
			return nil, "", err
		}
	}
	secs, _ = extract.PathHTML(body, r.c.cfg.Profile)
	if len(secs) == 0 {
		return nil, "", nil
	}
	h := sha256.Sum256(body)
	return secs, hex.EncodeToString(h[:]), nil
}

// pathRead is a development path read in this run.
type pathRead struct {
	secs []practice.Section
	sum  string
}

// contentHash is the digest that tells whether a model changed: of its page, and when it has
// them, of its development path and of the programme whose listing names it, so that a
// change to either alone updates the model.
func contentHash(body []byte, pathSum string, member practice.ProgrammeRef) string {
	h := sha256.New()
	h.Write(body)
	if pathSum != "" || member.ID != "" {
		fmt.Fprintf(h, "\x00path %s\x00programme %s %s", pathSum, member.ID, member.Name)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// htmlContent is a fetched page as UTF-8 HTML, for fetchDoc.
func htmlContent(resp *response) ([]byte, error) {
	if !isHTML(resp.Header.Get("Content-Type"), resp.Body) {
		return nil, fmt.Errorf("not HTML: %q", resp.Header.Get("Content-Type"))
	}
	return decodeHTML(resp.Body, resp.Header.Get("Content-Type"))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// member is the programme whose listing names the model at modelURL.
func (r *run) member(modelURL string) practice.ProgrammeRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.progs.member(extract.ModelID(modelURL, r.c.cfg.Profile))
}

// unchangedPage handles a model page that answered 304: when its development path or the
// programme listing it changed, the model is read again from the cached page and passed on.
func (r *run) unchangedPage(ctx context.Context, log *slog.Logger, prev store.Page) error {
	_, pathSum, err := r.developmentPath(ctx, log, prev.URL)
	if err != nil {
		return err
	}
	body, err := r.c.cfg.Store.Body(prev.URL)
	if err != nil {
		return fmt.Errorf("read cached page %s: %w", prev.URL, err)
	}
	if body == nil || contentHash(body, pathSum, r.member(prev.URL)) == prev.ContentHash {
		return r.save(prev, nil)
	}
	_, err = r.model(ctx, log, body, prev, true, prev)
	return err
}

// cachedPath is the development path of the model at modelURL as the page cache holds it.
func (c *Crawler) cachedPath(modelURL string) ([]practice.Section, error) {
	pu := modelURL + c.cfg.Profile.PathPage
	p, ok, err := c.cfg.Store.Page(pu)
	if err != nil || !ok || p.Status != http.StatusOK {
		return []practice.Section{}, err
	}
	body, err := c.cfg.Store.Body(pu)
	if err != nil || body == nil {
		return []practice.Section{}, err
	}
	secs, _ := extract.PathHTML(body, c.cfg.Profile)
	return secs, nil
}
