package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// securityHeaders are sent with every response (OWASP HTTP headers for a server-rendered UI).
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// logRequests logs each request's method, path (without the query string, which may carry
// what a user typed), status and duration; 5xx errors with their cause.
func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	attrs := []any{"method", c.Request.Method, "path", c.Request.URL.Path, "status", status, "took", time.Since(start).Round(time.Microsecond)}
	if status >= 500 {
		s.cfg.Logger.Error("request failed", append(attrs, "err", c.Errors.String())...)
		return
	}
	s.cfg.Logger.Debug("request", attrs...)
}
