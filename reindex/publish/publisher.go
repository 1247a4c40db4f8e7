package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/reindex/objstore"
)

// ErrConflict means another writer moved the manifest while this one published: its
// generation was not published.
var ErrConflict = errors.New("another writer moved the manifest")

// ErrNoManifest means nothing has been published to the prefix yet.
var ErrNoManifest = errors.New("no generation has been published")

// DefaultKeep is how many generations stay in storage.
const DefaultKeep = 3

// PublisherConfig configures a Publisher.
type PublisherConfig struct {
	Store *objstore.Store
	// Keep is how many of the newest archives stay in storage after the manifest moves (the
	// manifest's always does); DefaultKeep unless set.
	Keep int
	// Writer names this writer in the manifests it writes (host name and data folder).
	Writer string
	// Logger gets the publisher's log; nil discards it.
	Logger *slog.Logger

	// beforeManifest, when set, runs after the archive is uploaded and before the manifest
	// is written (tests line two writers up there); wrapUpload wraps the archive on its way
	// up (tests cut it off).
	beforeManifest func()
	wrapUpload     func(io.Reader) io.Reader
}

// Publisher publishes generations of one writer.
type Publisher struct {
	cfg PublisherConfig
	mu  sync.Mutex // one publication at a time

	smu sync.Mutex // guards st
	st  Status

	wake chan struct{} // Notify's, to Run
}

// Notify makes Run publish now rather than at its next interval (after a switch).
func (p *Publisher) Notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Status reports the last publication or check: the generation served, the manifest's, when
// they last agreed, and the last failure.
func (p *Publisher) Status() Status {
	p.smu.Lock()
	defer p.smu.Unlock()
	return p.st
}

func (p *Publisher) record(served, manifest string, checked bool, err error) {
	p.smu.Lock()
	defer p.smu.Unlock()
	p.st.Ready = true
	if served != "" {
		p.st.Served = served
	}
	if manifest != "" {
		p.st.Manifest = manifest
	}
	if checked {
		p.st.Checked = time.Now()
	}
	p.st.Error = ""
	if err != nil {
		p.st.Error = err.Error()
	}
	if p.st.Served != "" && p.st.Served == p.st.Manifest {
		p.st.Agreed = time.Now()
	}
}

// Run publishes the live generation of ix at once and then every interval (or at Notify)
// until ctx ends, whenever the manifest does not name it: at start-up, after a switch or an
// update in place, and again after a publication that failed (storage down). tmp is a
// folder for the copies.
func (p *Publisher) Run(ctx context.Context, ix *indexer.Index, tmp string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.PublishLive(ctx, ix, tmp); err != nil && ctx.Err() == nil {
			p.cfg.Logger.Warn("generation not published; trying again", "in", interval, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
		}
	}
}

// NewPublisher returns a Publisher.
func NewPublisher(cfg PublisherConfig) (*Publisher, error) {
	if cfg.Store == nil {
		return nil, errors.New("publish: no store")
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Publisher{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Current reads the manifest and its ETag; ErrNoManifest when there is none.
func Current(ctx context.Context, st *objstore.Store) (Manifest, string, error) {
	b, obj, err := st.Get(ctx, ManifestKey, "", maxManifest)
	if errors.Is(err, objstore.ErrNotFound) {
		return Manifest{}, "", ErrNoManifest
	}
	if err != nil {
		return Manifest{}, "", err
	}
	m, err := parseManifest(b)
	return m, obj.ETag, err
}

// Publish uploads the generation copied in dir (described by s) and moves the manifest to
// it, unless the manifest already names it. It returns the manifest as it stands after. A
// failed publication leaves the manifest where it was; ErrConflict means another writer
// moved it meanwhile.
func (p *Publisher) Publish(ctx context.Context, s indexer.Snapshot, dir string) (Manifest, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.cfg.Store
	cur, etag, err := Current(ctx, st)
	switch {
	case errors.Is(err, ErrNoManifest):
	case err != nil:
		// An unreadable manifest is replaced only by one that was read: refuse to guess.
		return Manifest{}, fmt.Errorf("publish %s: %w", s.Name, err)
	case cur.Generation == s.Name:
		return cur, nil
	}
	if cur.Writer != "" && cur.Writer != p.cfg.Writer {
		p.cfg.Logger.Warn("the manifest was written by another writer; only one server should publish to a prefix",
			"prefix", st.Location().String(), "other_writer", cur.Writer, "writer", p.cfg.Writer)
	}
	start := time.Now()
	key := archiveKey(s.Name)
	// Parts of an upload of this generation that a killed writer left behind.
	if err := st.AbortUploads(ctx, key); err != nil {
		p.cfg.Logger.Warn("unfinished uploads not removed", "key", key, "err", err)
	}
	checksum, size, err := p.upload(ctx, key, dir)
	if err != nil {
		return Manifest{}, fmt.Errorf("publish %s: %w", s.Name, err)
	}
	m := Manifest{
		Generation: s.Name, Archive: key, Checksum: checksum, Size: size, Documents: s.Documents,
		MappingVersion: s.MappingVersion, Analyzer: s.Analyzer, Created: time.Now().UTC().Truncate(time.Second), Writer: p.cfg.Writer,
	}
	if p.cfg.beforeManifest != nil {
		p.cfg.beforeManifest()
	}
	body, _ := json.MarshalIndent(m, "", "  ")
	cond := objstore.Cond{IfMatch: etag, IfAbsent: etag == ""}
	if _, err := st.Put(ctx, ManifestKey, bytes.NewReader(body), int64(len(body)), cond); err != nil {
		if errors.Is(err, objstore.ErrPrecondition) {
			err = p.conflict(ctx, s.Name)
		}
		if derr := st.Delete(context.WithoutCancel(ctx), key); derr != nil {
			p.cfg.Logger.Warn("archive of an unpublished generation not removed", "key", key, "err", derr)
		}
		return Manifest{}, fmt.Errorf("publish %s: %w", s.Name, err)
	}
	p.cfg.Logger.Info("generation published", "generation", s.Name, "models", s.Documents, "bytes", size,
		"to", st.Location().String(), "took", time.Since(start).Round(time.Millisecond))
	p.prune(ctx, s.Name)
	return m, nil
}

// upload packs dir straight into the archive object, in parts for a large one, and checks
// that storage holds every byte.
func (p *Publisher) upload(ctx context.Context, key, dir string) (checksum string, size int64, err error) {
	pr, pw := io.Pipe()
	type packed struct {
		checksum string
		size     int64
		err      error
	}
	done := make(chan packed, 1)
	go func() {
		c, n, err := pack(dir, pw)
		pw.CloseWithError(err)
		done <- packed{c, n, err}
	}()
	var body io.Reader = pr
	if p.cfg.wrapUpload != nil {
		body = p.cfg.wrapUpload(pr)
	}
	obj, err := p.cfg.Store.Put(ctx, key, body, -1, objstore.Cond{})
	pr.CloseWithError(errors.New("upload ended")) // unblocks pack when the upload stopped early
	res := <-done
	if res.err != nil {
		err = errors.Join(err, res.err)
	}
	if err != nil {
		return "", 0, err
	}
	stat, err := p.cfg.Store.Stat(ctx, key)
	if err != nil {
		return "", 0, err
	}
	if obj.Size != res.size || stat.Size != res.size {
		return "", 0, fmt.Errorf("storage holds %d bytes of the %d-byte archive", stat.Size, res.size)
	}
	return res.checksum, res.size, nil
}

// conflict describes who moved the manifest.
func (p *Publisher) conflict(ctx context.Context, ours string) error {
	other, _, err := Current(ctx, p.cfg.Store)
	if err != nil {
		return fmt.Errorf("%w (and it cannot be read now: %v)", ErrConflict, err)
	}
	p.cfg.Logger.Error("another writer published at the same time; this generation was not published",
		"generation", ours, "published", other.Generation, "other_writer", other.Writer)
	return fmt.Errorf("%w: it names generation %s by %s", ErrConflict, other.Generation, other.Writer)
}

// prune removes archives beyond the newest Keep, never the one the manifest names.
func (p *Publisher) prune(ctx context.Context, current string) {
	objs, err := p.cfg.Store.List(ctx, archivePrefix)
	if err != nil {
		p.cfg.Logger.Warn("old generations not removed", "err", err)
		return
	}
	var names []string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".tar") {
			names = append(names, o.Key)
		}
	}
	sort.Strings(names) // generation names sort by time
	for i := 0; i < len(names)-p.cfg.Keep; i++ {
		if names[i] == archiveKey(current) {
			continue
		}
		if err := p.cfg.Store.Delete(ctx, names[i]); err != nil {
			p.cfg.Logger.Warn("old generation not removed", "key", names[i], "err", err)
		}
	}
}

// PublishLive publishes the live generation of ix, unless the manifest names it already: it
// copies it into a folder under tmp, publishes the copy and removes it.
func (p *Publisher) PublishLive(ctx context.Context, ix *indexer.Index, tmp string) (m Manifest, err error) {
	live, err := ix.Describe()
	if err != nil {
		return Manifest{}, err
	}
	cur, _, err := Current(ctx, p.cfg.Store)
	if err == nil && cur.Generation == live.Name {
		p.record(live.Name, cur.Generation, true, nil)
		return cur, nil
	}
	defer func() {
		p.record(live.Name, m.Generation, err == nil, err)
	}()
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return Manifest{}, err
	}
	dir, err := os.MkdirTemp(tmp, "snapshot-")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(dir)
	copyDir := filepath.Join(dir, "index")
	s, err := ix.Snapshot(copyDir)
	if err != nil {
		return Manifest{}, err
	}
	return p.Publish(ctx, s, copyDir)
}
