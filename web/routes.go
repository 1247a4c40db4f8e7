package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
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
	Related(ctx context.Context, m practice.Model, n int) ([]practice.Model, error)
	AllFacets(ctx context.Context) (map[string][]search.FacetValue, error)
	Status(ctx context.Context) (search.IndexStatus, error)
}

// Config is everything the handler needs.
type Config struct {
	Searcher Searcher
	// Ready reports whether an index is open; /readyz answers 503 until it is.
	Ready    func() bool
	Logger   *slog.Logger
	Version  string
	Analyzer string
	// LastReindex returns the most recent reindex job (nil when none has run), and
	// NextReindex when the next one is scheduled (zero when none is), for /api/v1/status.
	// Either may be nil: the status then says null.
	LastReindex func(ctx context.Context) (*ReindexJob, error)
	NextReindex func() time.Time
}

type server struct {
	cfg   Config
	pages map[string]*template.Template
}

// NewHandler returns the HTTP handler with every route.
func NewHandler(cfg Config) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &server{cfg: cfg}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	r := gin.New()
	// Trust no proxy: X-Forwarded-For from anyone is not believed.
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	// Middleware, outermost first: recover from panics, log the request, set security headers.
	r.Use(gin.CustomRecovery(s.recovered), s.logRequests, securityHeaders)

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)

	r.GET("/api/openapi.json", s.openAPI)
	api := r.Group("/api/v1")
	api.GET("/search", s.handle(s.apiSearch))
	api.GET("/models/:id", s.handle(s.apiModel))
	api.GET("/facets", s.handle(s.apiFacets))
	api.GET("/status", s.handle(s.apiStatus))

	r.GET("/", s.handle(s.searchPage))
	r.GET("/malli/:id", s.handle(s.modelPage))
	static, _ := fs.Sub(staticFS, "static")
	r.StaticFS("/static", http.FS(static))
	r.NoRoute(s.handle(func(c *gin.Context) error { return errNotFound }))
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
