package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// openAPI describes every public route; a test checks it against the routes below.
//
//go:embed openapi.json
var openAPI []byte

// Searcher is what the web layer needs of search.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (search.Result, error)
	Model(ctx context.Context, id string) (practice.Model, error)
	Mark(ctx context.Context, query string, m practice.Model) (search.Marked, error)
	Related(ctx context.Context, m practice.Model, n int) ([]practice.Model, error)
	AllFacets(ctx context.Context) (map[string][]search.FacetValue, error)
	Status(ctx context.Context) (search.IndexStatus, error)
	// Version names what the live index holds; it changes whenever that does (ETags).
	Version() string
}

// Config is everything the handler needs.
type Config struct {
	Searcher Searcher
	// Programmes are the programmes read from the site; nil means none are known.
	Programmes Programmes
	// Ready reports whether an index is open; /readyz answers 503 until it is.
	Ready func() bool
	// Logger gets the handler's log; nil discards it.
	Logger   *slog.Logger
	Version  string
	Analyzer string
	// Reindex tells /api/v1/status of the last and next reindex jobs (nil: null), and is
	// what the admin routes control.
	Reindex Reindexer
	// AdminToken turns the admin routes on (at least MinAdminTokenLength characters, and a
	// Reindex to control); without one they do not exist.
	AdminToken string
	// Metrics, when set, are collected and served at /metrics.
	Metrics *Metrics
	// Replication, when set, tells /api/v1/status of publishing or replicating (null without).
	Replication func() *Replication
	// SearchRate (per second) and SearchBurst limit searches per client address; 0: no limit.
	SearchRate  float64
	SearchBurst int
}

type server struct {
	cfg    Config
	pages  map[string]*template.Template
	assets map[string]*asset
	clock  *indexClock
}

// NewHandler returns the HTTP handler with every route. Every response it gives carries the
// security headers, the router's own redirects and errors included, and is compressed for a
// client that accepts gzip.
func NewHandler(cfg Config) (http.Handler, error) {
	r, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	return newGzipper(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		securityHeaders(w.Header())
		r.ServeHTTP(w, req)
	})), nil
}

// getHead are the methods of a route that reads: HEAD is GET without the body (net/http
// drops it), so that curl -I and link checkers see what GET would answer.
var getHead = []string{http.MethodGet, http.MethodHead}

// newEngine is the router with every route, for NewHandler and for tests that read the route
// table.
func newEngine(cfg Config) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	if cfg.AdminToken != "" {
		if err := CheckAdminToken(cfg.AdminToken); err != nil {
			return nil, err
		}
		if cfg.Reindex == nil {
			return nil, errors.New("admin token given without reindex jobs to control")
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{cfg: cfg, clock: newIndexClock()}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	r := gin.New()
	// Trust no proxy: X-Forwarded-For from anyone is not believed.
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	// A known address asked with another method answers 405 with Allow (gin sets it).
	r.HandleMethodNotAllowed = true
	// Middleware, outermost first: measure and log the request (logRequests logs every 5xx
	// once), and turn a panic into a 500 through fail, which the two outer ones then see as
	// any other answer. The security headers are NewHandler's, outside the router.
	if cfg.Metrics != nil {
		r.Use(cfg.Metrics.observe)
	}
	r.Use(s.logRequests, s.recoverPanics)
	get := func(g gin.IRoutes, path string, h ...gin.HandlerFunc) { g.Match(getHead, path, h...) }
	// Searches: limited per client address, and counted.
	searches := []gin.HandlerFunc{}
	if cfg.SearchRate > 0 {
		searches = append(searches, s.limit(newClientLimiter(cfg.SearchRate, max(cfg.SearchBurst, 1))))
	}
	if cfg.Metrics != nil {
		searches = append(searches, cfg.Metrics.countSearch)
		get(r, "/metrics", cfg.Metrics.handler())
	}
	search := func(h gin.HandlerFunc) []gin.HandlerFunc { return append(slices.Clone(searches), s.conditional, h) }

	get(r, "/healthz", s.healthz)
	get(r, "/readyz", s.readyz)

	get(r, "/api/openapi.json", s.openAPI)
	api := r.Group("/api/v1")
	get(api, "/search", search(s.handle(s.apiSearch))...)
	get(api, "/models/:id", s.conditional, s.handle(s.apiModel))
	get(api, "/facets", s.conditional, s.handle(s.apiFacets))
	get(api, "/programmes", s.conditional, s.handle(s.apiProgrammes))
	get(api, "/programmes/:id", s.conditional, s.handle(s.apiProgramme))
	get(api, "/status", s.handle(s.apiStatus))

	if cfg.AdminToken != "" {
		admin := api.Group("/admin", s.requireToken(cfg.AdminToken))
		admin.POST("/reindex", s.handle(s.adminReindex))
		get(admin, "/jobs", s.handle(s.adminJobs))
	}

	get(r, "/", search(s.handle(s.searchPage))...)
	get(r, "/feed.atom", search(s.handle(s.feed))...)
	get(r, "/malli/:id", s.conditional, s.handle(s.modelPage))
	get(r, "/kokonaisuus/:id", s.conditional, s.handle(s.programmePage))
	// Exports: the whole result set of a search as a file.
	for path, h := range map[string]func(*gin.Context) error{"/export.csv": s.exportCSV, "/export.xlsx": s.exportXLSX} {
		get(r, path, search(s.handle(h))...)
	}
	get(r, "/static/:name", s.handle(s.serveAsset))
	r.NoRoute(s.handle(func(*gin.Context) error { return errNotFound }))
	r.NoMethod(s.handle(func(*gin.Context) error { return errNoMethod }))
	return r, nil
}

func (s *server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPI)
}

// NewServer wraps h in an http.Server with timeouts at every stage, so that slow or stalled
// clients cannot hold connections open.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}
