package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/reindex"
)

// Reindexer is what the status and admin routes need of the reindex jobs (reindex.Service).
type Reindexer interface {
	// Start begins a job in the background; an error that is busy.ErrBusy while another one
	// runs (the adapter answers 409).
	Start(mode reindex.Mode) (reindex.Job, error)
	// Recent returns up to limit jobs of the history, newest first.
	Recent(limit int) ([]reindex.Job, error)
	// Next returns the next scheduled run of each mode.
	Next() map[reindex.Mode]time.Time
}

// MinAdminTokenLength is the shortest admin token accepted at start-up, and
// MinAdminTokenVariety the fewest different characters in it.
const (
	MinAdminTokenLength  = 16
	MinAdminTokenVariety = 8
)

// CheckAdminToken says why token cannot be the admin token: blank or holding whitespace (it
// could never be sent in the header), too short, or of too little variety to be a secret.
func CheckAdminToken(token string) error {
	distinct := map[rune]bool{}
	for _, r := range token {
		distinct[r] = true
	}
	switch {
	case strings.TrimSpace(token) == "" || strings.ContainsFunc(token, unicode.IsSpace):
		return errors.New("the admin token must not be blank or hold whitespace")
	case utf8.RuneCountInString(token) < MinAdminTokenLength:
		return fmt.Errorf("the admin token must be at least %d characters", MinAdminTokenLength)
	case len(distinct) < MinAdminTokenVariety:
		return fmt.Errorf("the admin token has %d different characters, want at least %d: use a random one, e.g. openssl rand -hex 24", len(distinct), MinAdminTokenVariety)
	}
	return nil
}

// Failed admin sign-ins are slowed per client address: a few may come at once, then one a
// second; an address over that is answered 429 without its token being checked.
const (
	adminFailuresPerSecond = 1
	adminFailureBurst      = 10
)

// adminBodyLimit caps an admin request's body.
const adminBodyLimit = 1 << 10

// requireToken accepts a request only with "Authorization: Bearer <token>" (the scheme in any
// case, as RFC 9110 says). The digests of the two tokens are compared in constant time, so
// neither the token nor its length leaks. Failures are logged and slowed per address.
func (s *server) requireToken(token string) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	failures := newClientLimiter(adminFailuresPerSecond, adminFailureBurst)
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		if wait := failures.waiting(c.ClientIP()); wait > 0 {
			s.cfg.Logger.Warn("admin sign-in refused: too many failed attempts from this address", "client", c.ClientIP(), "retry_after", wait.Round(time.Second))
			s.fail(c, rateLimited{wait})
			return
		}
		scheme, got, _ := strings.Cut(c.GetHeader("Authorization"), " ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			failures.allow(c.ClientIP())
			s.cfg.Logger.Warn("admin sign-in failed", "client", c.ClientIP(), "route", c.FullPath())
			s.fail(c, errUnauthorized)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, adminBodyLimit)
		c.Next()
	}
}

// waiting tells how long the client must wait before its bucket holds a token again, without
// taking one; 0 when it holds one now.
func (l *clientLimiter) waiting(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[client]
	if !ok {
		return 0
	}
	tokens := b.lim.TokensAt(time.Now())
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(l.rate) * float64(time.Second))
}

type reindexRequest struct {
	Mode reindex.Mode `json:"mode"`
}

func (s *server) adminReindex(c *gin.Context) error {
	var req reindexRequest
	err := c.ShouldBindJSON(&req)
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
		return badRequest(fmt.Sprintf(`the body must be at most %d bytes: {"mode":"incremental"} or {"mode":"full"}`, adminBodyLimit))
	}
	if err != nil || (req.Mode != reindex.Incremental && req.Mode != reindex.Full) {
		return badRequest(`the body must be {"mode":"incremental"} or {"mode":"full"}`)
	}
	// The job outlives the request: it runs in the reindex service's own background.
	job, err := s.cfg.Reindex.Start(req.Mode)
	if err != nil { // busy.ErrBusy: 409
		return err
	}
	c.JSON(http.StatusAccepted, job)
	return nil
}

func (s *server) adminJobs(c *gin.Context) error {
	jobs, err := s.cfg.Reindex.Recent(50)
	if err != nil {
		return err
	}
	if jobs == nil {
		jobs = []reindex.Job{}
	}
	c.JSON(http.StatusOK, gin.H{"jobs": jobs})
	return nil
}
