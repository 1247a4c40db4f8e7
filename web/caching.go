package web

import (
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// indexClock remembers when the server first saw each version of the index, as the
// Last-Modified of what is built from it. It is the server's own: after a restart the first
// answers say the start time, later than any copy a client may hold, so nothing stale is
// ever called current.
type indexClock struct {
	// run is new in every process: the index's version counter starts again with it.
	run string

	mu      sync.Mutex
	version string
	since   time.Time
}

func newIndexClock() *indexClock {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return &indexClock{run: hex.EncodeToString(b)}
}

// at returns the version's token (unique across restarts) and when it went live here.
func (ic *indexClock) at(version string) (token string, since time.Time) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if version != ic.version {
		ic.version, ic.since = version, time.Now().UTC().Truncate(time.Second)
	}
	return ic.run + "/" + version, ic.since
}

// indexTime is when the live index version went live, for what has no date of its own.
func (s *server) indexTime() time.Time {
	_, since := s.clock.at(s.cfg.Searcher.Version())
	return since
}

// conditional gives an answer built from the index alone (pages, feed, API reads) an ETag and
// a Last-Modified derived from the index version, and answers 304 to a client whose copy is
// of the same version. The version is read before the answer is built: an index that changes
// meanwhile gives a newer answer under an older tag, which the next request corrects, never
// the other way round. The tag also holds what else the answer depends on: its address (host
// included: the feed's links are absolute), and
// for the pages and the feed their language and the page the reader came from.
func (s *server) conditional(c *gin.Context) {
	token, since := s.clock.at(s.cfg.Searcher.Version())
	r := c.Request
	h := sha256.New()
	for _, part := range []string{token, s.cfg.Version, r.Host, r.URL.RequestURI()} {
		io.WriteString(h, part+"\x00")
	}
	if !isAPI(c) {
		io.WriteString(h, pageLang(r)+"\x00"+r.Referer())
		c.Header("Vary", "Accept-Language")
	}
	etag := `W/"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
	c.Header("ETag", etag)
	c.Header("Last-Modified", since.Format(http.TimeFormat))
	c.Header("Cache-Control", "no-cache") // may be kept, but asked about every time
	if notModified(r, etag, since) {
		c.AbortWithStatus(http.StatusNotModified)
		return
	}
	c.Next()
}

// notModified applies If-None-Match (weak comparison, as RFC 9110 says for it) or, without
// one, If-Modified-Since.
func notModified(r *http.Request, etag string, since time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	t, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !since.After(t)
}

// compressible are the content types worth compressing: ours are text.
var compressible = []string{"text/html", "application/json", "application/atom+xml", "text/css", "text/javascript", "application/javascript", "application/problem+json"}

// gzipper compresses the answers of next for clients that accept gzip. Answers that already
// have an encoding (the metrics' own), a range or no body pass untouched.
type gzipper struct {
	next    http.Handler
	writers sync.Pool
}

// gzipLevel is the fastest (nginx's default too): at the default level compression was about
// 15 % of a search's CPU; level 1 takes a third of the time for an answer a quarter larger
// (a search of 20 hits: 11.6 kB against 9.4 kB).
const gzipLevel = gzip.BestSpeed

func newGzipper(next http.Handler) *gzipper {
	return &gzipper{next: next, writers: sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w }}}
}

func (g *gzipper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	gw := &gzipWriter{ResponseWriter: w, pool: &g.writers, accepts: acceptsGzip(r)}
	defer gw.close()
	g.next.ServeHTTP(gw, r)
}

// acceptsGzip reads Accept-Encoding: gzip listed, and not with q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

type gzipWriter struct {
	http.ResponseWriter
	pool             *sync.Pool
	gz               *gzip.Writer
	accepts, decided bool
}

// WriteHeader decides, once the handler has set its headers, whether the body is compressed;
// every answer says that it varies with Accept-Encoding, so that caches keep the two apart.
func (w *gzipWriter) WriteHeader(status int) {
	if !w.decided {
		w.decided = true
		h := w.Header()
		if vary := h.Values("Vary"); h.Get("Content-Encoding") == "" && !slices.ContainsFunc(vary, func(v string) bool { return strings.Contains(v, "Accept-Encoding") }) {
			h.Set("Vary", strings.Join(append(slices.Clone(vary), "Accept-Encoding"), ", "))
		}
		ct, _, _ := strings.Cut(h.Get("Content-Type"), ";")
		if w.accepts && status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified &&
			h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" && containsFold(compressible, strings.TrimSpace(ct)) {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			h.Del("Accept-Ranges")
			if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
				h.Set("ETag", "W/"+etag) // the same content, in another encoding
			}
			w.gz = w.pool.Get().(*gzip.Writer)
			w.gz.Reset(w.ResponseWriter)
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what the compressor holds, then the connection's buffer.
func (w *gzipWriter) Flush() {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *gzipWriter) close() {
	if w.gz == nil {
		return
	}
	_ = w.gz.Close() // a write error here is the client's gone connection
	w.gz.Reset(io.Discard)
	w.pool.Put(w.gz)
	w.gz = nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
