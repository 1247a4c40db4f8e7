package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/search"
)

var errNotFound = errors.New("not found")

// apiError is the body of every JSON error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// handle adapts a handler that returns an error: the error becomes a status code and a clear
// message (JSON under /api, a page elsewhere); internals of 5xx errors are logged, not shown.
func (s *server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		status, code, msg := http.StatusInternalServerError, "internal", "Haku ei juuri nyt onnistunut. Yritä hetken päästä uudelleen."
		switch {
		case search.IsBadQuery(err):
			status, code, msg = http.StatusBadRequest, "bad_query", err.Error()
		case errors.Is(err, errBadRequest):
			status, code, msg = http.StatusBadRequest, "bad_request", err.Error()
		case errors.Is(err, errNotFound), errors.Is(err, search.ErrNotFound):
			status, code, msg = http.StatusNotFound, "not_found", "Sivua ei löytynyt."
		case errors.Is(err, search.ErrBusy):
			status, code, msg = http.StatusTooManyRequests, "busy", "Hakuja on juuri nyt liikaa. Yritä hetken päästä uudelleen."
			c.Header("Retry-After", "1")
		case errors.Is(err, context.DeadlineExceeded):
			status, code, msg = http.StatusServiceUnavailable, "timeout", "Haku kesti liian kauan. Kokeile tarkempaa hakua."
			c.Error(err)
		default:
			c.Error(err)
		}
		if isAPI(c) {
			var body apiError
			body.Error.Code, body.Error.Message = code, msg
			c.JSON(status, body)
			return
		}
		s.renderError(c, status, msg)
	}
}

func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return len(p) >= 5 && p[:5] == "/api/"
}
