package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/reindex"
)

// Reindexer is what the status and admin routes need of the reindex jobs (reindex.Service).
type Reindexer interface {
	// Start begins a job in the background; reindex.ErrBusy while another one runs.
	Start(mode reindex.Mode) (reindex.Job, error)
	// Recent returns up to limit jobs of the history, newest first.
	Recent(limit int) ([]reindex.Job, error)
	// Next returns the next scheduled run of each mode.
	Next() map[reindex.Mode]time.Time
}

// MinAdminTokenLength is the shortest admin token accepted at start-up.
const MinAdminTokenLength = 16

// requireToken accepts a request only with "Authorization: Bearer <token>". The digests of the
// two tokens are compared in constant time, so neither the token nor its length leaks.
func (s *server) requireToken(token string) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			s.fail(c, errUnauthorized)
			return
		}
		c.Next()
	}
}

type reindexRequest struct {
	Mode reindex.Mode `json:"mode"`
}

func (s *server) adminReindex(c *gin.Context) error {
	var req reindexRequest
	if err := c.ShouldBindJSON(&req); err != nil || (req.Mode != reindex.Incremental && req.Mode != reindex.Full) {
		return badRequest(`the body must be {"mode":"incremental"} or {"mode":"full"}`)
	}
	// The job outlives the request: it runs in the reindex service's own background.
	job, err := s.cfg.Reindex.Start(req.Mode)
	if err != nil { // reindex.ErrBusy: 409
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
