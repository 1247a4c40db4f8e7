package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/store"
)

// ErrJobRunning is returned by JobControl.Start while another job runs.
var ErrJobRunning = errors.New("a reindex job is already running")

// JobControl starts reindex jobs and lists recent ones; cmd wires it to the indexer.
type JobControl interface {
	// Start begins a job of mode "incremental" or "full" in the background.
	Start(ctx context.Context, mode, trigger string) (store.Job, error)
	Jobs(limit int) ([]store.Job, error)
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
	Mode string `json:"mode"`
}

func (s *server) adminReindex(c *gin.Context) error {
	var req reindexRequest
	if err := c.ShouldBindJSON(&req); err != nil || (req.Mode != "incremental" && req.Mode != "full") {
		return badRequest(`the body must be {"mode":"incremental"} or {"mode":"full"}`)
	}
	// The job outlives the request: it runs under the server's own context.
	job, err := s.cfg.Jobs.Start(s.cfg.JobContext, req.Mode, "admin")
	if err != nil { // ErrJobRunning: 409
		return err
	}
	c.JSON(http.StatusAccepted, job)
	return nil
}

func (s *server) adminJobs(c *gin.Context) error {
	jobs, err := s.cfg.Jobs.Jobs(50)
	if err != nil {
		return err
	}
	if jobs == nil {
		jobs = []store.Job{}
	}
	c.JSON(http.StatusOK, gin.H{"jobs": jobs})
	return nil
}
