package store

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the store's file inside the data folder.
const FileName = "state.db"

var (
	bucketPages  = []byte("pages")
	bucketBodies = []byte("bodies")
	bucketRobots = []byte("robots")
)

// ErrLocked means another mallihaku process has the data folder open.
var ErrLocked = errors.New("data folder is in use by another mallihaku process")

// Store is the open state database of one data folder.
type Store struct{ db *bolt.DB }

// Open opens (creating when needed) the store in dir. When another process holds it, Open
// gives up after timeout with ErrLocked instead of waiting for ever.
func Open(dir string, timeout time.Duration) (*Store, error) {
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPages, bucketBodies, bucketRobots} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Page is what the crawler remembers of one canonical URL between runs.
type Page struct {
	URL          string    `json:"url"`
	ModelID      string    `json:"model_id,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	ContentHash  string    `json:"content_hash,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	Status       int       `json:"status"`
	Error        string    `json:"error,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"` // when the body it holds was first downloaded
	LastSeen     time.Time `json:"last_seen"`  // when it last answered (with a body or 304)
	// MissedRuns counts complete discovery passes in a row that did not find the URL.
	MissedRuns int `json:"missed_runs,omitempty"`
	// Canonical is the URL whose model this page's content is, when it is another one
	// (the page's rel=canonical, or where it redirected).
	Canonical string `json:"canonical,omitempty"`
	// Fields are the fields read from the model on the page when it was last read, so that a
	// run notices fields that stop being read (a changed layout).
	Fields []string `json:"fields,omitempty"`
}

// Page returns the remembered state of url; ok is false for a URL never seen.
func (s *Store) Page(url string) (p Page, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPages).Get([]byte(url))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &p)
	})
	return p, ok, err
}

// PutPage records the state of a page. A non-nil body replaces the cached body, kept
// gzip-compressed, so that pages can be normalised again without the network.
func (s *Store) PutPage(p Page, body []byte) error {
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var packed []byte
	if body != nil {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // pages are written far more often than re-read
		if err != nil {
			return err
		}
		if _, err := zw.Write(body); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		packed = buf.Bytes()
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketPages).Put([]byte(p.URL), v); err != nil {
			return err
		}
		if packed != nil {
			return tx.Bucket(bucketBodies).Put([]byte(p.URL), packed)
		}
		return nil
	})
}

// DeletePage forgets a page and its cached body.
func (s *Store) DeletePage(url string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketPages).Delete([]byte(url)); err != nil {
			return err
		}
		return tx.Bucket(bucketBodies).Delete([]byte(url))
	})
}

// Body returns the cached body of url, nil when none is cached.
func (s *Store) Body(url string) ([]byte, error) {
	var packed []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		packed = bytes.Clone(tx.Bucket(bucketBodies).Get([]byte(url)))
		return nil
	})
	if err != nil || packed == nil {
		return nil, err
	}
	return gunzip(packed)
}

// Pages calls fn for every remembered page, in URL order. fn must not use the store.
func (s *Store) Pages(fn func(Page) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPages).ForEach(func(_, v []byte) error {
			var p Page
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			return fn(p)
		})
	})
}

// Robots is a site's robots.txt as last read with an answer that counts: its rules (2xx), or
// none (4xx other than 429, or too many redirects). RFC 9309 lets it be reused for 24 hours,
// and for longer while the site cannot be reached.
type Robots struct {
	Site      string    `json:"site"` // scheme://host
	Status    int       `json:"status"`
	Body      string    `json:"body,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
}

// Robots returns the robots.txt remembered for site; ok is false when there is none.
func (s *Store) Robots(site string) (r Robots, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRobots).Get([]byte(site))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &r)
	})
	return r, ok, err
}

// PutRobots remembers a site's robots.txt, replacing the one before.
func (s *Store) PutRobots(r Robots) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRobots).Put([]byte(r.Site), v)
	})
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}
