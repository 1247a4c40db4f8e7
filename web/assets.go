package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/gin-gonic/gin"
)

// asset is one embedded file of static/, with the digest of its content that its address
// carries (/static/app.js?v=<digest>).
type asset struct {
	name, contentType, digest string
	body                      []byte
}

// URL is the asset's address with its digest.
func (a *asset) URL() string { return "/static/" + a.name + "?v=" + a.digest }

// loadAssets reads the embedded assets; static/ is one flat folder.
func loadAssets() (map[string]*asset, error) {
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	assets := map[string]*asset{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(staticFS, "static/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("web assets: %w", err)
		}
		sum := sha256.Sum256(b)
		assets[e.Name()] = &asset{name: e.Name(), contentType: mime.TypeByExtension(path.Ext(e.Name())),
			digest: hex.EncodeToString(sum[:6]), body: b}
	}
	return assets, nil
}

// serveAsset answers /static/<name>. Only the address with the asset's own digest may be kept
// for a year: any other ?v= (an old page's, or a made-up one) must be checked again, so that
// a stale copy is never cached as immutable. There are no directory listings: a name is a file
// or a 404.
func (s *server) serveAsset(c *gin.Context) error {
	a, ok := s.assets[c.Param("name")]
	if !ok {
		return errNotFound
	}
	if c.Query("v") == a.digest {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Header("ETag", `"`+a.digest+`"`)
	c.Header("Content-Type", a.contentType)
	http.ServeContent(c.Writer, c.Request, a.name, time.Time{}, bytes.NewReader(a.body))
	return nil
}
