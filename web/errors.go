package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/busy"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/search"
)

// The errors of web itself; handlers and middleware return them (or wrap them) and fail
// shows them.
var (
	errNotFound     = errors.New("not found")
	errBadRequest   = errors.New("bad request")
	errUnauthorized = errors.New("a valid admin token is required")
	errNoMethod     = errors.New("method not allowed")
)

// badRequest is a request error that is not about the search query; msg is shown as it is
// in the API (write it for the person calling the API).
func badRequest(msg string) error { return fmt.Errorf("%w: %s", errBadRequest, msg) }

// rateLimited is a client over its rate; it may come back after wait.
type rateLimited struct{ wait time.Duration }

func (rateLimited) Error() string { return "too many requests from this address" }

// apiError is the body of every JSON error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// failure is what a user is told of an error: the status, the API's code and (English)
// message, and the catalog keys of the page's title and message.
type failure struct {
	status        int
	code, message string
	title, text   string
	retryAfter    int // seconds; 0: no Retry-After
}

// failureOf classifies an error of a request made with method; anything it does not know is
// a 500 whose cause is logged and never shown.
//
// Refused work (busy.ErrBusy) is told by what the request asked: a read (GET, HEAD) found the
// searches that may run at once all running, which passes in a moment (429 with
// Retry-After); a request that starts work (the admin's POST) asked for a job while one runs,
// which conflicts with the state it is in until that job ends (409).
func failureOf(method string, err error) failure {
	var limited rateLimited
	switch {
	case search.IsBadQuery(err):
		return failure{status: http.StatusBadRequest, code: "bad_query", message: queryMessage(err), title: "bad_query", text: "err_bad_query"}
	case errors.Is(err, errBadRequest):
		return failure{status: http.StatusBadRequest, code: "bad_request", message: strings.TrimPrefix(err.Error(), errBadRequest.Error()+": "), title: "bad_query", text: "err_bad_request"}
	case errors.Is(err, errNotFound), errors.Is(err, search.ErrNotFound):
		return failure{status: http.StatusNotFound, code: "not_found", message: "no such page or model", title: "not_found"}
	case errors.Is(err, errNoMethod):
		return failure{status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "this address does not answer that method; see the Allow header", title: "err_method", text: "err_method_text"}
	case errors.Is(err, errUnauthorized):
		return failure{status: http.StatusUnauthorized, code: "unauthorized", message: "a valid admin token is required (Authorization: Bearer …)", title: "err_unauthorized"}
	case refused(err) && method != http.MethodGet && method != http.MethodHead:
		return failure{status: http.StatusConflict, code: "conflict", message: "a reindex job is already running; try again when it has finished", title: "err_conflict"}
	case errors.Is(err, reindex.ErrStopped):
		return failure{status: http.StatusServiceUnavailable, code: "stopping", message: "the service is stopping; start the job after it is back",
			title: "error", text: "err_internal"}
	case errors.As(err, &limited):
		return failure{status: http.StatusTooManyRequests, code: "rate_limited", message: "too many searches from this address; wait a moment",
			title: "err_busy", text: "err_rate_limited", retryAfter: max(1, int((limited.wait+time.Second-1)/time.Second))}
	case refused(err):
		return failure{status: http.StatusTooManyRequests, code: "busy", message: "too many searches at once; try again in a moment",
			title: "err_busy", text: "err_busy_text", retryAfter: 1}
	case errors.Is(err, context.DeadlineExceeded):
		return failure{status: http.StatusServiceUnavailable, code: "timeout", message: "the search took too long; try a narrower one",
			title: "error", text: "err_timeout"}
	}
	return failure{status: http.StatusInternalServerError, code: "internal", message: "the server failed to answer; try again in a moment",
		title: "error", text: "err_internal"}
}

// refused reports whether err is refused work: busy.ErrBusy, which search, reindex and the
// crawler each wrap in a sentence of their own.
func refused(err error) bool {
	return errors.Is(err, busy.ErrBusy)
}

// queryMessage is what the API says of a query the user can fix: the search package's
// explanation, without the sentinel's words.
func queryMessage(err error) string {
	return strings.TrimPrefix(err.Error(), search.ErrBadQuery.Error()+": ")
}

// handle adapts a handler that returns an error to gin: the error goes to fail.
func (s *server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// fail is the one place an error becomes a response: JSON under /api/, a page in the page's
// language elsewhere, and the request ends. A 5xx's cause is recorded on the context for
// logRequests, which logs it once; no error's own text reaches a user.
func (s *server) fail(c *gin.Context, err error) {
	f := failureOf(c.Request.Method, err)
	if f.status >= 500 {
		_ = c.Error(err)
	}
	c.Abort()
	if c.Writer.Written() {
		return // too late to say anything: the status and part of the body have gone
	}
	// An error is not the version of anything: it gets no validators.
	c.Writer.Header().Del("ETag")
	c.Writer.Header().Del("Last-Modified")
	if f.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(f.retryAfter))
	}
	if f.status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="mallihaku admin"`)
	}
	if f.status >= 500 || f.status == http.StatusTooManyRequests || f.status == http.StatusUnauthorized {
		c.Header("Cache-Control", "no-store")
	}
	if isAPI(c) {
		var body apiError
		body.Error.Code, body.Error.Message = f.code, f.message
		c.JSON(f.status, body)
		return
	}
	s.renderError(c, f)
}

// recoverPanics turns a panic in a handler into a 500 through fail.
func (s *server) recoverPanics(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		s.fail(c, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
	}()
	c.Next()
}

func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

// renderError shows a failure as a page in the page's language.
func (s *server) renderError(c *gin.Context, f failure) {
	v := struct {
		page
		Message string
	}{page: newPage(c)}
	v.Title = tr(v.Lang, f.title)
	if f.text != "" {
		v.Message = tr(v.Lang, f.text)
	}
	if err := render(c, s.pages["error"], f.status, v); err != nil {
		_ = c.Error(err)
		c.String(f.status, v.Title)
	}
}
