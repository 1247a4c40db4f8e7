// Package s3test starts a real S3 server for tests: versitygw with its posix backend in a
// temporary folder, on a loopback port. Tests that use it skip when versitygw is not
// installed, except with CI=true, where they fail (.ci/run installs it).
package s3test

import (
	"context"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/reindex/objstore"
)

// Credentials of the test server's root account.
const (
	AccessKey = "mallihaku-test"
	SecretKey = "mallihaku-test-secret"
	Region    = "us-east-1"
)

// Server is one versitygw process.
type Server struct {
	t    testing.TB
	bin  string
	root string // the posix backend's folder: one sub-folder per bucket
	addr string
	log  string // the server's output, a file

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Binary finds versitygw on PATH or in the Go bin folder, or fails or skips the test.
func Binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	for _, dir := range []string{os.Getenv("GOBIN"), filepath.Join(build.Default.GOPATH, "bin")} {
		if p := filepath.Join(dir, "versitygw"); dir != "" && isExecutable(p) {
			return p
		}
	}
	msg := "versitygw is not installed: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Start starts a server with an empty bucket for each name given; it is stopped when the test
// ends.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), root: t.TempDir(), addr: freeAddr(t)}
	s.log = filepath.Join(t.TempDir(), "versitygw.log")
	for _, b := range buckets {
		// A posix backend's bucket is a folder of its root.
		if err := os.Mkdir(filepath.Join(s.root, b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// URL is the server's endpoint.
func (s *Server) URL() string { return "http://" + s.addr }

// Root is the folder the backend keeps its buckets in: bucket/key is a file there.
func (s *Server) Root() string { return s.root }

// Config is a client configuration for this server.
func (s *Server) Config() objstore.Config {
	return objstore.Config{Endpoint: s.URL(), Region: Region, AccessKey: AccessKey, SecretKey: SecretKey,
		Addressing: objstore.AddressingPath}
}

// Env is the standard AWS variables pointing at this server.
func (s *Server) Env() []string {
	return []string{"AWS_ENDPOINT_URL=" + s.URL(), "AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey}
}

// Store is a client of s3://bucket/prefix on this server.
func (s *Server) Store(bucket, prefix string) *objstore.Store {
	s.t.Helper()
	st, err := objstore.New(s.Config(), objstore.Location{Bucket: bucket, Prefix: prefix})
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

// Stop kills the server (storage down); Restart brings it back on the same address with the
// same objects.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server when it is stopped and waits until it answers.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	cmd := exec.Command(s.bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region,
		"--port", s.addr, "--quiet", "posix", s.root)
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer logf.Close() // the process has its own copy
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start versitygw: %v", err)
	}
	s.cmd = cmd
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// Any HTTP answer (403 to an unsigned request) means it is serving.
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL(), nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-ctx.Done():
			out, _ := os.ReadFile(s.log)
			s.t.Fatalf("versitygw did not answer on %s: %s", s.addr, out)
		case <-tick.C:
		}
	}
}
