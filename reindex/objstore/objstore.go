package objstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Errors an operation may end with, to test with errors.Is.
var (
	// ErrNotFound means the object does not exist.
	ErrNotFound = errors.New("no such object")
	// ErrNotModified answers a conditional read of an object that has not changed.
	ErrNotModified = errors.New("object not modified")
	// ErrPrecondition means a conditional write was refused: the object changed (or appeared)
	// since its ETag was read.
	ErrPrecondition = errors.New("object changed since it was read")
)

// Addressing is how the bucket is named in requests.
type Addressing string

const (
	// AddressingAuto is virtual-host style for AWS and the other big clouds, path style elsewhere.
	AddressingAuto Addressing = "auto"
	// AddressingPath puts the bucket in the path (https://host/bucket/key), as MinIO-like servers want.
	AddressingPath Addressing = "path"
	// AddressingVirtual puts the bucket in the host name (https://bucket.host/key).
	AddressingVirtual Addressing = "virtual"
)

// DefaultPartSize is the size of the parts of a multipart upload.
const DefaultPartSize = 16 << 20

// Config says how to reach the storage. Its fields have the meaning of the standard AWS
// variables named beside them; FromEnv fills them from those.
type Config struct {
	// Endpoint is the server's URL, e.g. https://s3.example.fi or http://127.0.0.1:7070
	// (AWS_ENDPOINT_URL); empty means AWS S3 itself. http:// means no TLS.
	Endpoint string
	// Region is the bucket's region (AWS_REGION, else AWS_DEFAULT_REGION); empty: us-east-1.
	Region string
	// AccessKey and SecretKey are the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY);
	// SessionToken goes with temporary ones (AWS_SESSION_TOKEN).
	AccessKey, SecretKey, SessionToken string
	// Addressing is AddressingAuto unless set.
	Addressing Addressing
	// CAFile, when set, is a PEM file of certificate authorities to trust besides the system's,
	// for a server with a certificate of an internal CA.
	CAFile string
	// PartSize is the part size of multipart uploads; DefaultPartSize unless set. Objects
	// larger than one part are uploaded in parts.
	PartSize uint64
	// Retries is how many times a failed request is retried (with backoff); 2 unless set.
	Retries int
}

// FromEnv returns the configuration the standard AWS variables in env (KEY=VALUE) give.
func FromEnv(env []string) Config {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	region := vars["AWS_REGION"]
	if region == "" {
		region = vars["AWS_DEFAULT_REGION"]
	}
	return Config{
		Endpoint: vars["AWS_ENDPOINT_URL"], Region: region,
		AccessKey: vars["AWS_ACCESS_KEY_ID"], SecretKey: vars["AWS_SECRET_ACCESS_KEY"], SessionToken: vars["AWS_SESSION_TOKEN"],
	}
}

// Location is a bucket and a prefix in it, written s3://BUCKET/PREFIX.
type Location struct {
	Bucket string
	Prefix string // without leading or trailing slashes; may be empty
}

// ParseURL reads s3://BUCKET/PREFIX.
func ParseURL(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("%q is not an s3://BUCKET/PREFIX address", s)
	}
	prefix := strings.Trim(u.Path, "/")
	if strings.Contains(prefix, "//") || strings.Contains("/"+prefix+"/", "/../") || strings.Contains("/"+prefix+"/", "/./") {
		return Location{}, fmt.Errorf("%q: the prefix %q is not a clean path", s, prefix)
	}
	return Location{Bucket: u.Host, Prefix: prefix}, nil
}

func (l Location) String() string {
	if l.Prefix == "" {
		return "s3://" + l.Bucket
	}
	return "s3://" + l.Bucket + "/" + l.Prefix
}

// Object describes a stored object.
type Object struct {
	Key      string // relative to the store's prefix
	Size     int64
	ETag     string
	Modified time.Time
}

// Store reads and writes the objects under one Location.
type Store struct {
	mc       *minio.Client
	loc      Location
	partSize uint64
}

// New returns a Store of loc reached as cfg says. It does not contact the server.
func New(cfg Config, loc Location) (*Store, error) {
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	if cfg.Addressing == "" {
		cfg.Addressing = AddressingAuto
	}
	lookup := map[Addressing]minio.BucketLookupType{
		AddressingAuto: minio.BucketLookupAuto, AddressingPath: minio.BucketLookupPath, AddressingVirtual: minio.BucketLookupDNS,
	}
	bl, ok := lookup[cfg.Addressing]
	if !ok {
		return nil, fmt.Errorf("object storage: addressing %q: want auto, path or virtual", cfg.Addressing)
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
		if cfg.Region != "" {
			endpoint = "https://s3." + cfg.Region + ".amazonaws.com"
		}
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("object storage: endpoint %q: want http(s)://HOST[:PORT]", endpoint)
	}
	if loc.Bucket == "" {
		return nil, errors.New("object storage: no bucket given")
	}
	tr, err := transport(u.Scheme == "https", cfg.CAFile)
	if err != nil {
		return nil, err
	}
	var creds *credentials.Credentials
	if cfg.AccessKey != "" || cfg.SecretKey != "" {
		creds = credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken)
	} else {
		creds = credentials.NewIAM("") // the instance's or container's role
	}
	mc, err := minio.New(u.Host, &minio.Options{
		Creds: creds, Secure: u.Scheme == "https", Region: cfg.Region, BucketLookup: bl,
		Transport: tr, MaxRetries: cfg.Retries,
	})
	if err != nil {
		return nil, fmt.Errorf("object storage: %w", err)
	}
	return &Store{mc: mc, loc: loc, partSize: cfg.PartSize}, nil
}

func transport(secure bool, caFile string) (http.RoundTripper, error) {
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("object storage: %w", err)
	}
	tr.ResponseHeaderTimeout = time.Minute
	if caFile == "" {
		return tr, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("object storage: CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("object storage: CA file %s holds no PEM certificate", caFile)
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return tr, nil
}

// Location is where the store reads and writes.
func (s *Store) Location() Location { return s.loc }

func (s *Store) key(k string) string {
	if s.loc.Prefix == "" {
		return k
	}
	return s.loc.Prefix + "/" + k
}

// wrap maps the server's answer to this package's errors, and names the operation.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	var sentinel error
	switch {
	case resp.StatusCode == http.StatusNotModified:
		sentinel = ErrNotModified
	case resp.StatusCode == http.StatusPreconditionFailed:
		sentinel = ErrPrecondition
	case resp.Code == minio.NoSuchKey || (resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket):
		sentinel = ErrNotFound
	}
	where := "s3://" + s.loc.Bucket + "/" + s.key(key)
	if sentinel != nil {
		return fmt.Errorf("%s %s: %w", op, where, sentinel)
	}
	return fmt.Errorf("%s %s: %w", op, where, err)
}

// Cond is the precondition of a write: none, that the object is absent, or that its ETag is
// still IfMatch.
type Cond struct {
	IfAbsent bool
	IfMatch  string
}

// Put writes an object of size bytes (-1: unknown) from body, in parts when it is larger than
// one part. A write whose Cond does not hold fails with ErrPrecondition and changes nothing;
// an upload cut short leaves no object.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, cond Cond) (Object, error) {
	opts := minio.PutObjectOptions{PartSize: s.partSize, ContentType: "application/octet-stream"}
	switch {
	case cond.IfAbsent:
		opts.SetMatchETagExcept("*")
	case cond.IfMatch != "":
		opts.SetMatchETag(cond.IfMatch)
	}
	info, err := s.mc.PutObject(ctx, s.loc.Bucket, s.key(key), body, size, opts)
	if err != nil {
		return Object{}, s.wrap("put", key, err)
	}
	return Object{Key: key, Size: info.Size, ETag: info.ETag, Modified: info.LastModified}, nil
}

// Get reads a small object whole (at most max bytes). With ifNoneMatch set to the ETag last
// read, an unchanged object answers ErrNotModified without its body.
func (s *Store) Get(ctx context.Context, key string, ifNoneMatch string, max int64) ([]byte, Object, error) {
	var opts minio.GetObjectOptions
	if ifNoneMatch != "" {
		if err := opts.SetMatchETagExcept(ifNoneMatch); err != nil {
			return nil, Object{}, err
		}
	}
	obj, err := s.mc.GetObject(ctx, s.loc.Bucket, s.key(key), opts)
	if err != nil {
		return nil, Object{}, s.wrap("get", key, err)
	}
	defer obj.Close()
	st, err := obj.Stat()
	if err != nil {
		return nil, Object{}, s.wrap("get", key, err)
	}
	if st.Size > max {
		return nil, Object{}, fmt.Errorf("get %s: %d bytes, more than the %d expected", s.key(key), st.Size, max)
	}
	b, err := io.ReadAll(io.LimitReader(obj, max+1))
	if err != nil {
		return nil, Object{}, s.wrap("get", key, err)
	}
	return b, Object{Key: key, Size: st.Size, ETag: st.ETag, Modified: st.LastModified}, nil
}

// Stat describes an object.
func (s *Store) Stat(ctx context.Context, key string) (Object, error) {
	st, err := s.mc.StatObject(ctx, s.loc.Bucket, s.key(key), minio.StatObjectOptions{})
	if err != nil {
		return Object{}, s.wrap("stat", key, err)
	}
	return Object{Key: key, Size: st.Size, ETag: st.ETag, Modified: st.LastModified}, nil
}

// Download copies the object, of the given size, into the file at path, continuing from what
// the file already holds (a download interrupted by a crash or a lost connection resumes
// there). It returns how many bytes were already there. The caller checks the content: a file
// longer than size is started again. progress, when not nil, is told how many bytes the file
// holds as they arrive.
func (s *Store) Download(ctx context.Context, key, path string, size int64, progress func(have int64)) (resumedAt int64, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", s.key(key), err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("download %s: %w", s.key(key), cerr)
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", s.key(key), err)
	}
	offset := st.Size()
	if offset > size {
		offset = 0
	}
	if err := f.Truncate(offset); err != nil {
		return 0, fmt.Errorf("download %s: %w", s.key(key), err)
	}
	if offset == size {
		return offset, nil
	}
	var opts minio.GetObjectOptions
	if offset > 0 {
		if err := opts.SetRange(offset, 0); err != nil {
			return 0, err
		}
	}
	obj, err := s.mc.GetObject(ctx, s.loc.Bucket, s.key(key), opts)
	if err != nil {
		return offset, s.wrap("download", key, err)
	}
	defer obj.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return offset, fmt.Errorf("download %s: %w", s.key(key), err)
	}
	var w io.Writer = f
	if progress != nil {
		w = &progressWriter{w: f, have: offset, fn: progress}
	}
	n, err := io.Copy(w, io.LimitReader(obj, size-offset))
	if err != nil {
		return offset, s.wrap("download", key, err)
	}
	if offset+n != size {
		return offset, fmt.Errorf("download %s: got %d bytes of %d", s.key(key), offset+n, size)
	}
	if err := f.Sync(); err != nil {
		return offset, fmt.Errorf("download %s: %w", s.key(key), err)
	}
	return offset, nil
}

type progressWriter struct {
	w    io.Writer
	have int64
	fn   func(int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.have += int64(n)
	p.fn(p.have)
	return n, err
}

// List returns the objects whose keys start with under, sorted by key.
func (s *Store) List(ctx context.Context, under string) ([]Object, error) {
	var out []Object
	for o := range s.mc.ListObjects(ctx, s.loc.Bucket, minio.ListObjectsOptions{Prefix: s.key(under), Recursive: true}) {
		if o.Err != nil {
			return nil, s.wrap("list", under, o.Err)
		}
		k := strings.TrimPrefix(o.Key, s.key(""))
		out = append(out, Object{Key: k, Size: o.Size, ETag: o.ETag, Modified: o.LastModified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes an object; one that is already gone is no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.mc.RemoveObject(ctx, s.loc.Bucket, s.key(key), minio.RemoveObjectOptions{})
	if err = s.wrap("delete", key, err); errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// AbortUploads abandons unfinished multipart uploads of key (left by a writer that stopped
// half-way), so their parts stop taking space.
func (s *Store) AbortUploads(ctx context.Context, key string) error {
	return s.wrap("abort uploads of", key, s.mc.RemoveIncompleteUpload(ctx, s.loc.Bucket, s.key(key)))
}

// MakeBucket creates the bucket when it does not exist (for tests and first set-ups).
func (s *Store) MakeBucket(ctx context.Context) error {
	ok, err := s.mc.BucketExists(ctx, s.loc.Bucket)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", s.loc.Bucket, err)
	}
	if ok {
		return nil
	}
	if err := s.mc.MakeBucket(ctx, s.loc.Bucket, minio.MakeBucketOptions{}); err != nil {
		return fmt.Errorf("make bucket %s: %w", s.loc.Bucket, err)
	}
	return nil
}
