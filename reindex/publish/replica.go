package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/reindex/objstore"
)

// ErrRefused means the manifest's generation was not switched to: this program cannot serve
// it, or its archive is not what the manifest says. It is not tried again until the manifest
// changes.
var ErrRefused = errors.New("generation refused")

// StepDownload is the failpoint of a replica half-way through a download.
const StepDownload = "download"

// servedFile, in the replica's folder, names the last published generation it switched to
// and the name that generation has in its index.
const servedFile = "SERVED"

// Target is the index a replica switches (an indexer.Index, or what wraps one).
type Target interface {
	// Generation names the live generation.
	Generation() string
	// Adopt switches to the generation in dir, after its own checks, and returns the name
	// it has in the index.
	Adopt(ctx context.Context, dir string) (string, error)
}

// ReplicaConfig configures a Replica.
type ReplicaConfig struct {
	Store *objstore.Store
	Index Target
	// Dir is the replica's own folder in the data folder (downloads, unpacking); it must be
	// on the file system of the index.
	Dir string
	// Logger gets the replica's log; nil discards it.
	Logger *slog.Logger
	// Failpoint, when set, is called at StepDownload (crash tests).
	Failpoint func(step string)
}

// Replica keeps an index on the generation the manifest names.
type Replica struct {
	cfg ReplicaConfig
	mu  sync.Mutex // guards status and the fields below; one Sync at a time holds sync
	st  Status

	sync    sync.Mutex
	etag    string // of the manifest last dealt with (switched to, or refused)
	refusal error  // why that manifest's generation was refused, if it was
	// published is the published name of the generation adopted as local (both "" before).
	published, local string
}

// Status is what a replica or a writer reports about publishing.
type Status struct {
	// Served is the generation served; Manifest the one the manifest names ("" when unknown).
	Served, Manifest string
	// Agreed is when they were last found the same (zero: not yet).
	Agreed time.Time
	// Checked is when storage last answered.
	Checked time.Time
	// Ready is false for a replica until it has served a generation from storage.
	Ready bool
	// Error is why the last check or switch failed, or "".
	Error string
}

// NewReplica returns a Replica; it tidies its folder of what a crash left (a partial download
// is kept, to resume).
func NewReplica(cfg ReplicaConfig) (*Replica, error) {
	if cfg.Store == nil || cfg.Index == nil || cfg.Dir == "" {
		return nil, errors.New("replica: store, index and folder are needed")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	entries, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() { // an archive half unpacked
			os.RemoveAll(filepath.Join(cfg.Dir, e.Name()))
		}
	}
	r := &Replica{cfg: cfg}
	if b, err := os.ReadFile(filepath.Join(cfg.Dir, servedFile)); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			r.published, r.local = f[0], f[1]
		}
	}
	r.st.Served = r.served()
	r.st.Ready = r.local != "" && r.local == cfg.Index.Generation()
	return r, nil
}

// served is the published name of the generation the index serves, or its own name when it
// did not come from storage.
func (r *Replica) served() string {
	live := r.cfg.Index.Generation()
	if live != "" && live == r.local {
		return r.published
	}
	return live
}

// Status reports the replica's state.
func (r *Replica) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

func (r *Replica) update(fn func(*Status)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.st)
}

// Run checks the manifest every interval until ctx ends.
func (r *Replica) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := r.Sync(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("replica check failed; serving the generation it has", "served", r.Status().Served, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sync checks the manifest once and, when it names a new generation this program can serve,
// fetches, checks and switches to it. On any failure the served generation stays.
func (r *Replica) Sync(ctx context.Context) error {
	r.sync.Lock()
	defer r.sync.Unlock()
	err := r.sync1(ctx)
	served := r.served()
	r.update(func(s *Status) {
		s.Served = served
		s.Error = ""
		if err != nil {
			s.Error = err.Error()
		}
		if s.Manifest != "" && s.Manifest == served {
			s.Agreed = time.Now()
		}
	})
	return err
}

func (r *Replica) sync1(ctx context.Context) error {
	b, obj, err := r.cfg.Store.Get(ctx, ManifestKey, r.etag, maxManifest)
	switch {
	case errors.Is(err, objstore.ErrNotModified):
		r.update(func(s *Status) { s.Checked = time.Now() })
		return r.refusal
	case errors.Is(err, objstore.ErrNotFound):
		r.update(func(s *Status) { s.Checked = time.Now() })
		return ErrNoManifest
	case err != nil:
		return err
	}
	r.update(func(s *Status) { s.Checked = time.Now() })
	m, err := parseManifest(b)
	if err != nil {
		return r.refuse(obj.ETag, err)
	}
	r.update(func(s *Status) { s.Manifest = m.Generation })
	if m.Generation == r.served() {
		r.done(obj.ETag)
		return nil
	}
	if err := indexer.CanServe(m.MappingVersion, m.Analyzer); err != nil {
		return r.refuse(obj.ETag, fmt.Errorf("generation %s: %w", m.Generation, err))
	}
	local, err := r.fetch(ctx, m)
	if err != nil {
		if errors.Is(err, ErrRefused) {
			return r.refuse(obj.ETag, err)
		}
		return err
	}
	r.published, r.local = m.Generation, local
	if err := writeFileAtomic(filepath.Join(r.cfg.Dir, servedFile), m.Generation+" "+local+"\n"); err != nil {
		r.cfg.Logger.Warn("replica state not recorded", "err", err)
	}
	r.done(obj.ETag)
	return nil
}

func (r *Replica) refuse(etag string, err error) error {
	if !errors.Is(err, ErrRefused) {
		err = fmt.Errorf("%w: %w", ErrRefused, err)
	}
	r.cfg.Logger.Error("replica refused the published generation; serving the one it has", "err", err)
	r.etag, r.refusal = etag, err
	return err
}

func (r *Replica) done(etag string) {
	r.etag, r.refusal = etag, nil
	r.update(func(s *Status) { s.Ready = true })
}

// fetch downloads, checks, unpacks and adopts the manifest's generation, and returns the name
// it has in the index.
func (r *Replica) fetch(ctx context.Context, m Manifest) (string, error) {
	start := time.Now()
	archive := filepath.Join(r.cfg.Dir, m.Generation+".tar")
	r.removeOtherDownloads(archive)
	half := false
	progress := func(have int64) {
		if !half && have >= m.Size/2 && r.cfg.Failpoint != nil {
			half = true
			r.cfg.Failpoint(StepDownload)
		}
	}
	resumedAt, err := r.cfg.Store.Download(ctx, m.Archive, archive, m.Size, progress)
	if err != nil {
		return "", fmt.Errorf("download generation %s: %w", m.Generation, err)
	}
	sum, err := fileChecksum(archive)
	if err != nil {
		return "", err
	}
	if sum != m.Checksum && resumedAt > 0 {
		// What a crashed download left may be what spoilt it: once more, from the start.
		r.cfg.Logger.Warn("resumed download does not match its checksum; downloading it again", "generation", m.Generation)
		os.Remove(archive)
		if _, err := r.cfg.Store.Download(ctx, m.Archive, archive, m.Size, nil); err != nil {
			return "", fmt.Errorf("download generation %s: %w", m.Generation, err)
		}
		if sum, err = fileChecksum(archive); err != nil {
			return "", err
		}
	}
	if sum != m.Checksum {
		os.Remove(archive)
		return "", fmt.Errorf("%w: generation %s: the archive's checksum is %s, the manifest says %s", ErrRefused, m.Generation, sum, m.Checksum)
	}
	dir := filepath.Join(r.cfg.Dir, m.Generation)
	os.RemoveAll(dir)
	f, err := os.Open(archive)
	if err != nil {
		return "", err
	}
	err = unpack(f, dir)
	f.Close()
	os.Remove(archive)
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%w: generation %s: %w", ErrRefused, m.Generation, err)
	}
	got, err := indexer.DescribeFolder(dir)
	if err == nil && got.Documents != m.Documents {
		err = fmt.Errorf("it holds %d models, the manifest says %d", got.Documents, m.Documents)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%w: generation %s: %w", ErrRefused, m.Generation, err)
	}
	local, err := r.cfg.Index.Adopt(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
		if ctx.Err() != nil {
			return "", err
		}
		return "", fmt.Errorf("%w: generation %s: %w", ErrRefused, m.Generation, err)
	}
	r.cfg.Logger.Info("replica switched to the published generation", "generation", m.Generation, "models", m.Documents,
		"bytes", m.Size, "resumed_at", resumedAt, "took", time.Since(start).Round(time.Millisecond), "local_generation", local)
	return local, nil
}

// removeOtherDownloads removes partial downloads of generations other than the one wanted.
func (r *Replica) removeOtherDownloads(keep string) {
	entries, _ := os.ReadDir(r.cfg.Dir)
	for _, e := range entries {
		p := filepath.Join(r.cfg.Dir, e.Name())
		if strings.HasSuffix(e.Name(), ".tar") && p != keep {
			os.Remove(p)
		}
	}
}

func writeFileAtomic(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
