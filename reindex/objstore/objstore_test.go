package objstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/internal/s3test"
	"github.com/mallihaku/mallihaku/reindex/objstore"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in, bucket, prefix, err string
	}{
		{in: "s3://mallihaku/prod", bucket: "mallihaku", prefix: "prod"},
		{in: "s3://mallihaku/a/b/", bucket: "mallihaku", prefix: "a/b"},
		{in: "s3://mallihaku", bucket: "mallihaku"},
		{in: "https://mallihaku/prod", err: "not an s3://"},
		{in: "s3:///prod", err: "not an s3://"},
		{in: "s3://b/a/../c", err: "not a clean path"},
		{in: "s3://b/a//c", err: "not a clean path"},
	} {
		loc, err := objstore.ParseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one saying %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || loc.Bucket != tc.bucket || loc.Prefix != tc.prefix {
			t.Errorf("%s: %+v %v, want bucket %q prefix %q", tc.in, loc, err, tc.bucket, tc.prefix)
		}
	}
}

func TestFromEnvReadsTheStandardAWSVariables(t *testing.T) {
	cfg := objstore.FromEnv([]string{"AWS_ENDPOINT_URL=https://a3s.fi", "AWS_DEFAULT_REGION=regionOne",
		"AWS_ACCESS_KEY_ID=id", "AWS_SECRET_ACCESS_KEY=secret", "HOME=/root"})
	if cfg.Endpoint != "https://a3s.fi" || cfg.Region != "regionOne" || cfg.AccessKey != "id" || cfg.SecretKey != "secret" {
		t.Errorf("config %+v", cfg)
	}
	if cfg := objstore.FromEnv([]string{"AWS_REGION=eu-north-1", "AWS_DEFAULT_REGION=x"}); cfg.Region != "eu-north-1" {
		t.Errorf("AWS_REGION should win over AWS_DEFAULT_REGION: %q", cfg.Region)
	}
}

func TestNewRefusesABadEndpoint(t *testing.T) {
	for _, ep := range []string{"ftp://host", "host:9000", "https://host/path"} {
		if _, err := objstore.New(objstore.Config{Endpoint: ep}, objstore.Location{Bucket: "b"}); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
}

func TestConditionalWritesLetOnlyOneWriterReplaceAnObject(t *testing.T) {
	srv := s3test.Start(t, "bucket")
	st := srv.Store("bucket", "prefix")
	ctx := context.Background()

	first, err := st.Put(ctx, "CURRENT", strings.NewReader("one"), 3, objstore.Cond{IfAbsent: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "CURRENT", strings.NewReader("two"), 3, objstore.Cond{IfAbsent: true}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("creating an object that exists: %v, want ErrPrecondition", err)
	}
	second, err := st.Put(ctx, "CURRENT", strings.NewReader("two"), 3, objstore.Cond{IfMatch: first.ETag})
	if err != nil {
		t.Fatalf("replacing with the ETag just read: %v", err)
	}
	if _, err := st.Put(ctx, "CURRENT", strings.NewReader("three"), 5, objstore.Cond{IfMatch: first.ETag}); !errors.Is(err, objstore.ErrPrecondition) {
		t.Fatalf("replacing with a stale ETag: %v, want ErrPrecondition", err)
	}
	body, obj, err := st.Get(ctx, "CURRENT", "", 100)
	if err != nil || string(body) != "two" || obj.ETag != second.ETag {
		t.Fatalf("object holds %q (%v), etag %q, want two, %q", body, err, obj.ETag, second.ETag)
	}
	if _, _, err := st.Get(ctx, "CURRENT", second.ETag, 100); !errors.Is(err, objstore.ErrNotModified) {
		t.Fatalf("conditional read of an unchanged object: %v, want ErrNotModified", err)
	}
	if _, _, err := st.Get(ctx, "nothing", "", 100); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("read of a missing object: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(filepath.Join(srv.Root(), "bucket", "prefix", "CURRENT")); err != nil {
		t.Errorf("the object is not under the prefix: %v", err)
	}
}

func TestLargeObjectsAreUploadedInPartsAndDownloadsResume(t *testing.T) {
	srv := s3test.Start(t, "bucket")
	cfg := srv.Config()
	cfg.PartSize = 5 << 20 // the smallest part S3 allows
	st, err := objstore.New(cfg, objstore.Location{Bucket: "bucket", Prefix: "p"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data := make([]byte, 11<<20+123)
	rand.Read(data)
	obj, err := st.Put(ctx, "big", bytes.NewReader(data), -1, objstore.Cond{})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size != int64(len(data)) || !strings.HasSuffix(strings.Trim(obj.ETag, `"`), "-3") {
		t.Errorf("uploaded %d bytes with ETag %s, want %d in 3 parts", obj.Size, obj.ETag, len(data))
	}

	// A download cut off after 4 MiB (the file holds what had arrived) goes on from there.
	path := filepath.Join(t.TempDir(), "big.part")
	if err := os.WriteFile(path, data[:4<<20], 0o644); err != nil {
		t.Fatal(err)
	}
	at, err := st.Download(ctx, "big", path, int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if at != 4<<20 || !bytes.Equal(got, data) {
		t.Errorf("resumed at %d, file equal %v; want resumed at %d and the whole object", at, bytes.Equal(got, data), 4<<20)
	}
	// A file longer than the object is started again.
	os.WriteFile(path, append(data, 'x'), 0o644)
	if at, err := st.Download(ctx, "big", path, int64(len(data)), nil); err != nil || at != 0 {
		t.Errorf("download over a too long file: resumed at %d, %v", at, err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Error("download over a too long file does not hold the object")
	}

	objs, err := st.List(ctx, "")
	if err != nil || len(objs) != 1 || objs[0].Key != "big" {
		t.Fatalf("list: %+v %v", objs, err)
	}
	if err := st.Delete(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "big"); err != nil {
		t.Errorf("deleting what is gone: %v", err)
	}
}

func TestAStoppedServerIsAnErrorNotAHang(t *testing.T) {
	srv := s3test.Start(t, "bucket")
	st := srv.Store("bucket", "")
	srv.Stop()
	_, _, err := st.Get(context.Background(), "CURRENT", "", 100)
	if err == nil || errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("read from a stopped server: %v", err)
	}
	srv.Restart()
	if _, _, err := st.Get(context.Background(), "CURRENT", "", 100); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("read after restart: %v, want ErrNotFound", err)
	}
}
