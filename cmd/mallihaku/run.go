package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/sample"
	"github.com/mallihaku/mallihaku/web"
)

// version is the release; builds may set it with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `mallihaku searches Finnish social and health practice models.

Commands:
  demo     start the built-in sample site, crawl and index it, and serve search
  serve    serve search from a data folder (and reindex a site on a schedule)
  crawl    one crawl-and-index run
  search   search from the terminal
  inspect  show what mallihaku reads from one page (a URL or a file)
  version  print the version, Go version and analyzer

Run "mallihaku COMMAND --help" for a command's flags. Every flag can also be set with an
environment variable MALLIHAKU_<FLAG> (upper case, - as _); flags win.
`

func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	return runWith(ctx, hooks{}, args, env, stdout, stderr)
}

// hooks are what only tests give run: nothing a user can set.
type hooks struct {
	// failpoint is called at each step of an index generation switch (crash tests kill the
	// process there).
	failpoint func(step string)
}

func runWith(ctx context.Context, h hooks, args, env []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "demo":
		err = runDemo(ctx, rest, env, stdout, stderr)
	case "serve":
		err = runServe(ctx, h, rest, env, stdout, stderr)
	case "crawl":
		err = runCrawl(ctx, h, rest, env, stdout, stderr)
	case "search":
		err = runSearch(ctx, rest, env, stdout, stderr)
	case "inspect":
		err = runInspect(ctx, rest, env, stdout, stderr)
	case "version":
		err = runVersion(rest, env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func userAgent(contact string) string {
	return fmt.Sprintf("mallihaku/%s (+%s)", version, contact)
}

func runVersion(args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flagSet("version", &cfg, stderr)
	if err := parse(fs, args, env); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mallihaku %s\ngo %s %s/%s\nanalyzer %s\n", version, strings.TrimPrefix(runtime.Version(), "go"),
		runtime.GOOS, runtime.GOARCH, analyzerName())
	return nil
}

// runDemo serves the embedded sample site on a loopback port, crawls and indexes it with the
// rate limit lifted, and serves search until interrupted.
func runDemo(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flagSet("demo", &cfg, stderr, "addr", "data", "contact-url", "search-rate", "search-burst", "admin-token")
	if err := parse(fs, args, env); err != nil {
		return err
	}
	if err := checkAdminToken(cfg); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	logConfig(log, "demo", fs)
	if cfg.Data == "" {
		dir, err := os.MkdirTemp("", "mallihaku-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Data = dir
	}
	site, stopSite, err := sample.Start(ctx)
	if err != nil {
		return err
	}
	defer stopSite()
	log.Info("sample site started", "url", site)
	cfg.Site, cfg.Rate, cfg.Concurrency = site, 0, 4

	a, err := openApp(cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	job, err := a.reindex.Reindex(ctx, reindex.Full)
	if err != nil {
		return fmt.Errorf("demo crawl: %w", err)
	}
	fmt.Fprintf(stdout, "indexed %d practice models from the sample site %s\n", job.Counts[reindex.Indexed], site)
	return a.serve(ctx, cfg, stdout)
}

func runServe(ctx context.Context, h hooks, args, env []string, stdout, stderr io.Writer) error {
	cfg := config{failpoint: h.failpoint}
	fs := flagSet("serve", &cfg, stderr, "addr", "data", "site", "schedule", "full-schedule", "jitter", "rate", "concurrency",
		"max-pages", "contact-url", "admin-token", "search-rate", "search-burst", "publish", "replica-of", "replica-interval", "s3")
	if err := parse(fs, args, env); err != nil {
		return err
	}
	if cfg.Data == "" {
		return fmt.Errorf("%w: serve needs --data DIR", errUsage)
	}
	if err := checkAdminToken(cfg); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	logConfig(log, "serve", fs)
	a, err := openApp(cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, cfg, stdout)
}

// checkAdminToken refuses, before any work, an admin token that could not be a secret.
func checkAdminToken(cfg config) error {
	if cfg.AdminToken == "" {
		return nil
	}
	if err := web.CheckAdminToken(cfg.AdminToken); err != nil {
		return fmt.Errorf("%w: --admin-token: %v", errUsage, err)
	}
	return nil
}

func runCrawl(ctx context.Context, h hooks, args, env []string, stdout, stderr io.Writer) error {
	cfg := config{failpoint: h.failpoint}
	fs := flagSet("crawl", &cfg, stderr, "data", "site", "full", "reparse", "rate", "concurrency", "max-pages", "contact-url")
	if err := parse(fs, args, env); err != nil {
		return err
	}
	if cfg.Data == "" || (cfg.Site == "" && !cfg.Reparse) {
		return fmt.Errorf("%w: crawl needs --data DIR and --site URL (or --reparse)", errUsage)
	}
	log, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	logConfig(log, "crawl", fs)
	if cfg.Site == "" {
		cfg.Site = "http://localhost" // --reparse reads only the page cache
	}
	a, err := openApp(cfg, log, withProgress(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	mode := reindex.Incremental
	switch {
	case cfg.Reparse:
		mode = reindex.Reparse
	case cfg.Full:
		mode = reindex.Full
	}
	job, err := a.reindex.Reindex(ctx, mode)
	printCounts(stdout, job.Counts)
	if err != nil {
		return fmt.Errorf("crawl did not complete (%s): %w", job.State, err)
	}
	n, _ := a.index.Count()
	fmt.Fprintf(stdout, "done: %d models in the index\n", n)
	return nil
}

func printCounts(w io.Writer, counts reindex.Counts) {
	keys := []reindex.Count{reindex.Discovered, reindex.Fetched, reindex.NotModified, reindex.SkippedLastmod, reindex.PagesSkipped,
		reindex.PagesFailed, reindex.Added, reindex.Updated, reindex.Deleted, reindex.Indexed}
	var parts []string
	say := func(k reindex.Count, v int) {
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(k), "_", " "), v))
	}
	for _, k := range keys {
		if v, ok := counts[k]; ok {
			say(k, v)
		}
	}
	for k, v := range counts {
		if strings.HasPrefix(string(k), string(reindex.FailedBecause(""))) {
			say(k, v)
		}
	}
	if len(parts) > 0 {
		fmt.Fprintln(w, strings.Join(parts, ", "))
	}
}

func runInspect(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flagSet("inspect", &cfg, stderr, "contact-url")
	if err := parse(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: inspect takes one URL or file", errUsage)
	}
	var out bytes.Buffer
	err := inspect(ctx, &out, fs.Arg(0), userAgent(cfg.ContactURL), extract.Innokyla())
	if _, werr := io.WriteString(stdout, terminalText(out.String())); werr != nil && err == nil {
		err = werr
	}
	return err
}

// terminalText is s without the control and bidi formatting characters (practice.IsControl)
// that would let a page, or a file's name, move the cursor, recolour or reorder a terminal;
// line breaks and tabs stay.
func terminalText(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && practice.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// fetchOne gets one page for inspect, with a timeout and a size cap.
func fetchOne(ctx context.Context, u, ua string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 10<<20))
}

// serveHTTP serves h on addr until ctx ends, then shuts down gracefully. The bound address is
// printed, so that an address with port 0 can be found.
func serveHTTP(ctx context.Context, addr string, h http.Handler, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := web.NewServer(addr, h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "serving search on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
