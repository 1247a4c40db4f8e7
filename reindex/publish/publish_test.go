package publish

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/s3test"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex/objstore"
)

var quiet = slog.New(slog.DiscardHandler)

const bucket = "mallihaku"

// index opens an index in a new data folder and builds a generation of the given models.
func index(t *testing.T, ids ...string) (*indexer.Index, string) {
	t.Helper()
	data := t.TempDir()
	ix, err := indexer.Open(data, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	build(t, ix, ids...)
	return ix, data
}

func build(t *testing.T, ix *indexer.Index, ids ...string) {
	t.Helper()
	var ms []practice.Model
	for _, id := range ids {
		ms = append(ms, practice.Model{ID: id, Title: "Malli " + id, Phase: "Valmis"})
	}
	if _, err := ix.Build(context.Background(), indexer.Models(ms...)); err != nil {
		t.Fatal(err)
	}
}

func publisher(t *testing.T, st *objstore.Store, writer string) *Publisher {
	t.Helper()
	p, err := NewPublisher(PublisherConfig{Store: st, Writer: writer, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func publish(t *testing.T, p *Publisher, ix *indexer.Index) Manifest {
	t.Helper()
	m, err := p.PublishLive(context.Background(), ix, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type replicaUnderTest struct {
	*Replica
	ix   *indexer.Index
	data string
}

func replica(t *testing.T, st *objstore.Store, data string) replicaUnderTest {
	t.Helper()
	if data == "" {
		data = t.TempDir()
	}
	ix, err := indexer.Open(data, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	r, err := NewReplica(ReplicaConfig{Store: st, Index: ix, Dir: filepath.Join(data, "replica"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return replicaUnderTest{r, ix, data}
}

// models lists the IDs a replica finds with an empty search.
func (r replicaUnderTest) count(t *testing.T) uint64 {
	t.Helper()
	n, err := r.ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAReplicaServesWhatTheWriterPublished(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a", "b", "c")
	m := publish(t, publisher(t, st, "writer-1"), writer)
	if m.Generation != writer.Generation() || m.Documents != 3 || m.MappingVersion != indexer.MappingVersion || m.Writer != "writer-1" ||
		!strings.HasPrefix(m.Checksum, "sha256:") || m.Size == 0 || m.Created.IsZero() {
		t.Errorf("manifest %+v", m)
	}

	r := replica(t, st, "")
	if r.Status().Ready {
		t.Error("a replica that has served nothing from storage says it is ready")
	}
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := r.Status()
	if r.count(t) != 3 || s.Served != m.Generation || s.Manifest != m.Generation || !s.Ready || s.Agreed.IsZero() || s.Error != "" {
		t.Errorf("replica holds %d models, status %+v; want the 3 of %s, ready and agreed", r.count(t), s, m.Generation)
	}
	if got, err := r.ix.Model(context.Background(), "b"); err != nil || got.Title != "Malli b" {
		t.Errorf("model b on the replica: %+v %v", got, err)
	}
	// Nothing new: the manifest is not downloaded again, and the generation stays.
	if err := r.Sync(context.Background()); err != nil || r.Status().Served != m.Generation {
		t.Errorf("second check: %v, serving %s", err, r.Status().Served)
	}
	// Publishing the same generation again changes nothing.
	_, etag, _ := Current(context.Background(), st)
	publish(t, publisher(t, st, "writer-1"), writer)
	if _, again, _ := Current(context.Background(), st); again != etag {
		t.Error("publishing the generation the manifest names rewrote the manifest")
	}

	// A restarted replica serves its generation and is ready before storage answers.
	r.ix.Close()
	srv.Stop()
	again := replica(t, st, r.data)
	if s := again.Status(); !s.Ready || s.Served != m.Generation {
		t.Errorf("restarted replica: %+v, want ready on %s", s, m.Generation)
	}
}

func TestAReplicaWaitsForStorageAtStartAndKeepsServingWhenItGoesDown(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a", "b")
	pub := publisher(t, st, "w")
	first := publish(t, pub, writer)

	srv.Stop()
	r := replica(t, st, "")
	if err := r.Sync(context.Background()); err == nil {
		t.Fatal("a check with storage down succeeded")
	}
	if s := r.Status(); s.Ready || s.Error == "" {
		t.Errorf("with storage down at start: %+v, want not ready and the error", s)
	}

	srv.Restart()
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := r.Status(); !s.Ready || s.Served != first.Generation {
		t.Fatalf("after storage came up: %+v", s)
	}

	build(t, writer, "a", "b", "c")
	publish(t, pub, writer)
	srv.Stop()
	if err := r.Sync(context.Background()); err == nil {
		t.Fatal("a check with storage down succeeded")
	}
	s := r.Status()
	if !s.Ready || s.Served != first.Generation || r.count(t) != 2 || s.Error == "" {
		t.Errorf("with storage down later: %+v, %d models; want still ready on %s with its 2 models, and the error", s, r.count(t), first.Generation)
	}
}

// cutOff fails the upload after n bytes, as a writer killed half-way does.
type cutOff struct {
	r io.Reader
	n int64
}

func (c *cutOff) Read(b []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("writer killed")
	}
	if int64(len(b)) > c.n {
		b = b[:c.n]
	}
	n, err := c.r.Read(b)
	c.n -= int64(n)
	return n, err
}

func TestAnUploadCutOffHalfWayLeavesTheManifestAndTheReplicas(t *testing.T) {
	srv := s3test.Start(t, bucket)
	cfg := srv.Config()
	cfg.PartSize = 5 << 20
	st, err := objstore.New(cfg, objstore.Location{Bucket: bucket, Prefix: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	writer, _ := index(t, "a")
	pub := publisher(t, st, "w")
	first := publish(t, pub, writer)
	r := replica(t, st, "")
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A generation of 12 MiB goes up in three parts; the writer dies in the second.
	build(t, writer, "a", "b")
	snap := filepath.Join(t.TempDir(), "snap")
	s, err := writer.Snapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	ballast := make([]byte, 12<<20)
	rand.Read(ballast)
	os.WriteFile(filepath.Join(snap, "ballast"), ballast, 0o644)
	pub.cfg.wrapUpload = func(r io.Reader) io.Reader { return &cutOff{r: r, n: 7 << 20} }
	if _, err := pub.Publish(context.Background(), s, snap); err == nil {
		t.Fatal("a publication whose upload was cut off succeeded")
	}
	if cur, _, err := Current(context.Background(), st); err != nil || cur.Generation != first.Generation {
		t.Errorf("manifest after the cut-off upload names %q (%v), want %s", cur.Generation, err, first.Generation)
	}
	if _, err := st.Stat(context.Background(), archiveKey(s.Name)); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("the cut-off archive is visible in storage: %v", err)
	}
	if err := r.Sync(context.Background()); err != nil || r.Status().Served != first.Generation || r.count(t) != 1 {
		t.Errorf("replica after the cut-off upload: %v, %+v", err, r.Status())
	}

	// The writer, restarted, publishes the generation whole.
	pub.cfg.wrapUpload = nil
	if _, err := pub.Publish(context.Background(), s, snap); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(context.Background()); err != nil || r.Status().Served != s.Name || r.count(t) != 2 {
		t.Errorf("replica after the writer published again: %v, %+v", err, r.Status())
	}
}

func TestACorruptedArchiveIsRefusedAndReported(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a")
	pub := publisher(t, st, "w")
	first := publish(t, pub, writer)
	r := replica(t, st, "")
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}

	build(t, writer, "a", "b")
	second := publish(t, pub, writer)
	// One byte of the stored archive goes bad (the posix backend keeps objects as files).
	path := filepath.Join(srv.Root(), bucket, "prod", second.Archive)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	err = r.Sync(context.Background())
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("sync of a corrupted archive: %v, want it refused for its checksum", err)
	}
	s := r.Status()
	if s.Served != first.Generation || r.count(t) != 1 || !strings.Contains(s.Error, "checksum") || s.Manifest != second.Generation {
		t.Errorf("after a corrupted archive: %+v, %d models; want %s served with its 1 model and the checksum reported", s, r.count(t), first.Generation)
	}
	// Not fetched again until the manifest changes, and still reported.
	if err := r.Sync(context.Background()); !errors.Is(err, ErrRefused) {
		t.Errorf("second check: %v, want the refusal again", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(r.data, "replica")); len(entries) != 1 || entries[0].Name() != servedFile {
		t.Errorf("the replica's folder holds %v, want only %s", entries, servedFile)
	}
}

func TestAManifestOfAMappingVersionThisProgramCannotReadIsRefused(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a")
	pub := publisher(t, st, "w")
	first := publish(t, pub, writer)
	r := replica(t, st, "")
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A newer mallihaku publishes a generation of mapping version 99.
	build(t, writer, "a", "b")
	second := publish(t, pub, writer)
	second.MappingVersion = 99
	body := fmt.Sprintf(`{"generation":%q,"archive":%q,"checksum":%q,"size":%d,"documents":2,"mapping_version":99,"analyzer":%q}`,
		second.Generation, second.Archive, second.Checksum, second.Size, second.Analyzer)
	if _, err := st.Put(context.Background(), ManifestKey, strings.NewReader(body), int64(len(body)), objstore.Cond{}); err != nil {
		t.Fatal(err)
	}
	err := r.Sync(context.Background())
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "mapping version 99") {
		t.Fatalf("sync: %v, want a refusal naming mapping version 99", err)
	}
	if s := r.Status(); s.Served != first.Generation || !strings.Contains(s.Error, "mapping version 99") || r.count(t) != 1 {
		t.Errorf("status %+v, %d models", s, r.count(t))
	}
}

func TestAReplicaStoppedMidDownloadResumesAndServesOnlyAWholeGeneration(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a", "b", "c", "d")
	m := publish(t, publisher(t, st, "w"), writer)

	r := replica(t, st, "")
	// The process stops half-way through the download: nothing after that point runs.
	type killed struct{}
	r.cfg.Failpoint = func(step string) {
		if step == StepDownload {
			panic(killed{})
		}
	}
	func() {
		defer func() {
			if p := recover(); p != (killed{}) {
				t.Fatalf("the download did not reach its failpoint: %v", p)
			}
		}()
		r.Sync(context.Background())
	}()
	part, err := os.Stat(filepath.Join(r.data, "replica", m.Generation+".tar"))
	if err != nil || part.Size() == 0 || part.Size() >= m.Size {
		t.Fatalf("partial download: %v, %v", part, err)
	}
	r.ix.Close()

	again := replica(t, st, r.data)
	if err := again.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := again.Status(); s.Served != m.Generation || again.count(t) != 4 || !s.Ready {
		t.Errorf("after the restart: %+v, %d models", s, again.count(t))
	}
}

func TestTwoWritersPublishingAtOnceOneWinsAndTheOtherIsTold(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	base, _ := index(t, "a")
	publish(t, publisher(t, st, "first"), base)

	// Both read the manifest and upload; then both try to move it.
	var arrived sync.WaitGroup
	arrived.Add(2)
	wait := func() { arrived.Done(); arrived.Wait() }
	type result struct {
		writer string
		m      Manifest
		err    error
		gen    string
	}
	results := make(chan result, 2)
	for _, name := range []string{"host-a", "host-b"} {
		ix, _ := index(t, "a", name)
		p := publisher(t, st, name)
		p.cfg.beforeManifest = wait
		go func() {
			m, err := p.PublishLive(context.Background(), ix, t.TempDir())
			results <- result{name, m, err, ix.Generation()}
		}()
	}
	var won, lost []result
	for range 2 {
		r := <-results
		if r.err == nil {
			won = append(won, r)
		} else {
			lost = append(lost, r)
		}
	}
	if len(won) != 1 || len(lost) != 1 {
		t.Fatalf("winners %+v, losers %+v; want one of each", won, lost)
	}
	if !errors.Is(lost[0].err, ErrConflict) || !strings.Contains(lost[0].err.Error(), won[0].gen) || !strings.Contains(lost[0].err.Error(), won[0].writer) {
		t.Errorf("the loser was told %v; want a conflict naming %s by %s", lost[0].err, won[0].gen, won[0].writer)
	}
	cur, _, err := Current(context.Background(), st)
	if err != nil || cur.Generation != won[0].gen || cur.Writer != won[0].writer {
		t.Errorf("manifest %+v %v, want the winner's", cur, err)
	}
	if _, err := st.Stat(context.Background(), archiveKey(lost[0].gen)); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("the loser's archive was left in storage: %v", err)
	}
}

func TestOnlyTheNewestGenerationsStayInStorage(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a")
	pub := publisher(t, st, "w")
	var gens []string
	for i := range 5 {
		build(t, writer, "a", fmt.Sprint(i))
		gens = append(gens, publish(t, pub, writer).Generation)
	}
	objs, err := st.List(context.Background(), archivePrefix)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Key)
	}
	want := []string{archiveKey(gens[2]), archiveKey(gens[3]), archiveKey(gens[4])}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("archives in storage %v, want the newest %d: %v", got, DefaultKeep, want)
	}
}

func TestUnpackRefusesNamesThatLeaveTheFolder(t *testing.T) {
	for _, hdr := range []tar.Header{
		{Name: "../escape", Typeflag: tar.TypeReg},
		{Name: "/etc/passwd", Typeflag: tar.TypeReg},
		{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
	} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&hdr)
		tw.Close()
		dir := filepath.Join(t.TempDir(), "out")
		if err := unpack(&buf, dir); err == nil {
			t.Errorf("unpacked %q (%c)", hdr.Name, hdr.Typeflag)
		}
	}
}

func TestTheSameFolderPacksToTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "store"), 0o755)
	os.WriteFile(filepath.Join(dir, "store", "root.bolt"), []byte("bolt"), 0o644)
	os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{}"), 0o644)
	var a, b bytes.Buffer
	sumA, sizeA, err := pack(dir, &a)
	if err != nil {
		t.Fatal(err)
	}
	touched := time.Unix(1e9, 0)
	os.Chtimes(filepath.Join(dir, "index_meta.json"), touched, touched)
	sumB, sizeB, _ := pack(dir, &b)
	if sumA != sumB || sizeA != sizeB || sizeA != int64(a.Len()) || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two packs differ: %s %d, %s %d", sumA, sizeA, sumB, sizeB)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := unpack(&a, out); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "store", "root.bolt")); string(got) != "bolt" {
		t.Errorf("unpacked %q", got)
	}
}

func TestAWriterPublishesItsGenerationOnceStorageIsBackAndAfterAnUpdateInPlace(t *testing.T) {
	srv := s3test.Start(t, bucket)
	st := srv.Store(bucket, "prod")
	writer, _ := index(t, "a")
	pub := publisher(t, st, "w")
	srv.Stop()
	if _, err := pub.PublishLive(context.Background(), writer, t.TempDir()); err == nil {
		t.Fatal("publishing with storage down succeeded")
	}
	if s := pub.Status(); s.Error == "" || s.Served != writer.Generation() || !s.Agreed.IsZero() {
		t.Errorf("writer status with storage down: %+v", s)
	}
	srv.Restart()
	m := publish(t, pub, writer)
	if s := pub.Status(); s.Error != "" || s.Manifest != m.Generation || s.Served != m.Generation || s.Agreed.IsZero() {
		t.Errorf("writer status after publishing: %+v", s)
	}

	// An incremental update changes the live generation in place: it is published anew,
	// and a replica takes it.
	r := replica(t, st, "")
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := writer.Put(practice.Model{ID: "b", Title: "Malli b"}); err != nil {
		t.Fatal(err)
	}
	updated := publish(t, pub, writer)
	if updated.Generation == m.Generation || updated.Documents != 2 {
		t.Fatalf("after an update in place the manifest names %s with %d models", updated.Generation, updated.Documents)
	}
	if err := r.Sync(context.Background()); err != nil || r.count(t) != 2 || r.Status().Served != updated.Generation {
		t.Errorf("replica after the update: %v, %d models, %+v", err, r.count(t), r.Status())
	}
}
