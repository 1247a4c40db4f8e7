package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/mallihaku/mallihaku/store"
)

const (
	sitemapMaxBody  = 50 << 20 // decompressed
	maxSitemapURLs  = 50000    // per sitemap file, as the protocol allows
	maxSitemaps     = 1000     // files per run, indexes included
	maxListingPages = 5000     // pages per listing path
)

// errDisallowed means robots.txt forbids a URL.
var errDisallowed = errors.New("disallowed by robots.txt")

// discover finds the site's practice-model URLs: from the sitemaps named in robots.txt and
// /sitemap.xml, then from the profile's listing pages and their pagination. It returns each
// canonical model URL with its sitemap lastmod (zero when unknown); complete is false when
// some sitemap or listing page could not be read, so absence proves nothing.
func (r *run) discover(ctx context.Context) (found map[string]time.Time, complete bool) {
	found = map[string]time.Time{}
	complete = true
	implicit := r.c.siteURL("/sitemap.xml")
	var queue []string
	for _, s := range r.robots.sitemaps {
		if u, ok := r.c.canon.canon(s); ok {
			queue = append(queue, u)
		} else {
			r.c.cfg.Logger.Warn("sitemap off site ignored", "url", s)
		}
	}
	queue = append(queue, implicit)
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < maxSitemaps && ctx.Err() == nil {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		children, err := r.sitemap(ctx, u, found)
		var se *statusError
		switch {
		case err == nil:
			queue = append(queue, children...)
		case u == implicit && errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone):
			r.c.cfg.Logger.Info("no sitemap", "url", u)
		default:
			complete = false
			r.c.cfg.Logger.Warn("sitemap not read", "url", u, "err", err)
		}
	}
	for _, p := range r.c.cfg.Profile.ListingPaths {
		if ctx.Err() != nil {
			break
		}
		if !r.listing(ctx, p, found) {
			complete = false
		}
	}
	return found, complete && ctx.Err() == nil
}

// sitemap reads one sitemap or sitemap index, adding model URLs to found and returning the
// child sitemaps of an index.
func (r *run) sitemap(ctx context.Context, u string, found map[string]time.Time) ([]string, error) {
	doc, err := r.fetchDoc(ctx, u, sitemapMaxBody, func(resp *response) ([]byte, error) {
		return gunzipMaybe(resp.Body, sitemapMaxBody)
	})
	if err != nil {
		return nil, err
	}
	sm, err := parseSitemap(doc, r.c.canon)
	if err != nil {
		return nil, fmt.Errorf("parse sitemap %s: %w", u, err)
	}
	if sm.extra > 0 {
		r.c.cfg.Logger.Warn("sitemap has more URLs than the protocol allows, the rest ignored", "url", u, "ignored", sm.extra, "max", maxSitemapURLs)
	}
	for _, loc := range sm.offSite {
		r.c.cfg.Logger.Warn("sitemap off site ignored", "url", loc)
	}
	for _, e := range sm.models {
		if old, ok := found[e.url]; !ok || e.lastmod.After(old) {
			found[e.url] = e.lastmod
		}
	}
	for _, u := range sm.programmes {
		r.programmeURLs[u] = true
	}
	return sm.children, nil
}

// sitemapFile is what one sitemap or sitemap index holds for us.
type sitemapFile struct {
	models     []target // canonical practice-model URLs, with lastmod where it could be read
	programmes []string // canonical URLs of programme pages
	children   []string // canonical URLs of child sitemaps (an index)
	offSite    []string // child sitemaps on other sites, ignored
	extra      int      // <url> entries beyond the protocol's 50,000, ignored
}

// parseSitemap reads a sitemap or a sitemap index (XML, already decompressed). Entries
// that are not practice models of the site are dropped, and only the first 50,000 <url>
// entries count.
func parseSitemap(doc []byte, canon *canonicalizer) (sitemapFile, error) {
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&sm); err != nil {
		return sitemapFile{}, err
	}
	var f sitemapFile
	if len(sm.URLs) > maxSitemapURLs {
		f.extra = len(sm.URLs) - maxSitemapURLs
		sm.URLs = sm.URLs[:maxSitemapURLs]
	}
	for _, e := range sm.URLs {
		cu, ok := canon.canon(e.Loc)
		if ok && canon.isProgramme(cu) {
			f.programmes = append(f.programmes, cu)
		}
		if !ok || !canon.isModel(cu) {
			continue
		}
		f.models = append(f.models, target{url: cu, lastmod: parseLastmod(e.LastMod)})
	}
	for _, e := range sm.Sitemaps {
		if len(f.children)+len(f.offSite) >= maxSitemapURLs {
			break
		}
		if cu, ok := canon.canon(e.Loc); ok {
			f.children = append(f.children, cu)
		} else {
			f.offSite = append(f.offSite, e.Loc)
		}
	}
	return f, nil
}

// listing reads a listing page and the pages of its pagination, adding the model pages they
// link to; it reports whether every page could be read.
func (r *run) listing(ctx context.Context, listingPath string, found map[string]time.Time) bool {
	start, ok := r.c.canon.canon(r.c.siteURL(listingPath))
	if !ok {
		r.c.cfg.Logger.Warn("listing path not on site", "path", listingPath)
		return false
	}
	complete := true
	queue := []string{start}
	seen := map[string]bool{start: true}
	listed := map[string]bool{} // model URLs this listing has linked to
	for len(queue) > 0 && ctx.Err() == nil {
		u := queue[0]
		queue = queue[1:]
		body, err := r.fetchDoc(ctx, u, r.c.cfg.MaxBody, func(resp *response) ([]byte, error) {
			if !isHTML(resp.Header.Get("Content-Type"), resp.Body) {
				return nil, fmt.Errorf("not HTML: %q", resp.Header.Get("Content-Type"))
			}
			return decodeHTML(resp.Body, resp.Header.Get("Content-Type"))
		})
		if err != nil {
			complete = false
			r.c.cfg.Logger.Warn("listing page not read", "url", u, "err", err)
			continue
		}
		meta := scanHTML(body)
		if meta.nofollow {
			r.c.cfg.Logger.Info("listing page says nofollow", "url", u)
			continue
		}
		base := u
		if meta.base != "" {
			if b, ok := r.c.canon.resolve(u, meta.base); ok {
				base = b
			}
		}
		var pages []string
		fresh := 0
		for _, href := range meta.links {
			cu, ok := r.c.canon.resolve(base, href)
			if !ok {
				continue
			}
			if r.c.canon.isModel(cu) {
				if !listed[cu] {
					listed[cu] = true
					fresh++
				}
				if _, ok := found[cu]; !ok {
					found[cu] = time.Time{}
				}
				continue
			}
			if next, ok := paginationURL(cu, listingPath); ok && !seen[next] {
				pages = append(pages, next)
			}
		}
		// A page that lists nothing new is the end of a listing, or a trap that pages for
		// ever; its pagination is not followed, and when it leads somewhere new the listing
		// counts as not read through.
		if fresh == 0 {
			if len(pages) > 0 {
				complete = false
				r.c.cfg.Logger.Warn("listing page lists no new models; its pagination not followed", "url", u)
			}
			continue
		}
		for _, next := range pages {
			if seen[next] {
				continue
			}
			if len(seen) >= maxListingPages {
				complete = false
				r.c.cfg.Logger.Warn("listing has too many pages, the rest not read", "path", listingPath, "max", maxListingPages)
				break
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	return complete
}

// paginationURL reports whether cu is a page of the listing at listingPath (the same path
// with a "page" parameter) and returns it with every other parameter dropped, so that sort
// and filter links do not multiply the pages.
func paginationURL(cu, listingPath string) (string, bool) {
	u, err := url.Parse(cu)
	if err != nil || strings.TrimSuffix(u.Path, "/") != strings.TrimSuffix(listingPath, "/") {
		return "", false
	}
	page := u.Query().Get("page")
	switch page {
	case "":
		return "", false
	case "0": // Drupal's first page is the listing itself
		u.RawQuery = ""
	default:
		u.RawQuery = url.Values{"page": {page}}.Encode()
	}
	return u.String(), true
}

// fetchDoc fetches a discovery document (sitemap or listing page) and returns its content
// as decode makes it. The content is cached in the store, so that an incremental run can ask
// the site with a conditional GET and reuse it on 304.
func (r *run) fetchDoc(ctx context.Context, u string, limit int64, decode func(*response) ([]byte, error)) ([]byte, error) {
	if !r.robots.allowed(u) {
		return nil, errDisallowed
	}
	if !r.spend() {
		return nil, ErrBudget
	}
	var (
		header http.Header
		cached []byte
	)
	if !r.full {
		prev, ok, err := r.c.cfg.Store.Page(u)
		if err != nil {
			return nil, err
		}
		if ok {
			if cached, err = r.c.cfg.Store.Body(u); err != nil {
				return nil, err
			}
			if cached != nil {
				header = conditional(prev)
			}
		}
	}
	resp, err := r.fetch.get(ctx, u, header, limit)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.Status == http.StatusNotModified && cached != nil:
		return cached, nil
	case resp.Status < 200 || resp.Status > 299:
		return nil, &statusError{resp.Status}
	case resp.Truncated:
		return nil, fmt.Errorf("%s: %w (over %d bytes)", u, ErrTooLarge, limit)
	}
	content, err := decode(resp)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	p := store.Page{
		URL:          u,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		Status:       resp.Status,
		FetchedAt:    now,
		LastSeen:     now,
	}
	if err := r.c.cfg.Store.PutPage(p, content); err != nil {
		return nil, fmt.Errorf("save %s: %w", u, err)
	}
	return content, nil
}

// conditional is the header of a conditional GET for a page fetched before.
func conditional(p store.Page) http.Header {
	h := http.Header{}
	if p.ETag != "" {
		h.Set("If-None-Match", p.ETag)
	}
	if p.LastModified != "" {
		h.Set("If-Modified-Since", p.LastModified)
	}
	return h
}

// gunzipMaybe decompresses b when it is gzip data (sitemap.xml.gz is served as such, not
// with a Content-Encoding), refusing more than limit bytes of output. It measures first and
// then decompresses into a buffer of the right size, so a gzip bomb costs no memory.
func gunzipMaybe(b []byte, limit int64) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	if n > limit {
		return nil, fmt.Errorf("gunzip: %w (over %d bytes)", ErrTooLarge, limit)
	}
	if err := zr.Reset(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return out, nil
}

// parseLastmod reads a sitemap <lastmod> (W3C datetime); a malformed one is zero. A date
// without a time may mean any moment of that day in any time zone, so it is read as the
// latest of them (36 hours after its UTC midnight): a page is never skipped as unchanged
// because its lastmod was read too early.
func parseLastmod(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(36*time.Hour - time.Second)
	}
	return time.Time{}
}

// pageMeta is what the crawler needs from a page's markup besides its content.
type pageMeta struct {
	base      string   // <base href>
	canonical string   // <link rel=canonical href>
	links     []string // <a href>, as written
	noindex   bool     // <meta name=robots> (or name=mallihaku) says noindex
	nofollow  bool
}

// scanHTML reads the links and robots directives of an HTML page.
func scanHTML(body []byte) pageMeta {
	var m pageMeta
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return m
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr {
				continue
			}
			tag := string(name)
			if tag != "a" && tag != "link" && tag != "meta" && tag != "base" {
				continue
			}
			attrs := map[string]string{}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if _, dup := attrs[string(k)]; !dup {
					attrs[string(k)] = string(v)
				}
			}
			switch tag {
			case "a":
				if href, ok := attrs["href"]; ok {
					m.links = append(m.links, href)
				}
			case "base":
				if m.base == "" {
					m.base = attrs["href"]
				}
			case "link":
				if m.canonical == "" && hasToken(attrs["rel"], "canonical") {
					m.canonical = attrs["href"]
				}
			case "meta":
				if n := strings.ToLower(strings.TrimSpace(attrs["name"])); n == "robots" || n == robotsToken {
					noindex, nofollow := robotsDirectives(attrs["content"])
					m.noindex = m.noindex || noindex
					m.nofollow = m.nofollow || nofollow
				}
			}
		}
	}
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if strings.EqualFold(t, token) {
			return true
		}
	}
	return false
}
