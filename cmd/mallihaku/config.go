package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/reindex/objstore"
)

// errUsage marks errors in how a command was called (exit status 2).
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// config is every setting of every command; each command registers the flags it takes.
// Precedence: defaults < MALLIHAKU_<FLAG> environment variables < flags; the object storage
// flags also take the standard AWS_* variables, below MALLIHAKU_S3_*.
type config struct {
	Addr         string
	Data         string
	Site         string
	Full         bool
	Reparse      bool
	Rate         float64
	Concurrency  int
	MaxPages     int
	ContactURL   string
	Schedule     string
	FullSchedule string
	AdminToken   string
	LogLevel     string
	OpenTimeout  time.Duration
	Jitter       time.Duration
	SearchRate   float64
	SearchBurst  int
	// failpoint, set only by crash tests (see TestMain), is called at each step of an index
	// generation switch.
	failpoint func(step string)
	// Publishing and replicas (see replication.go).
	Publish         string
	ReplicaOf       string
	ReplicaInterval time.Duration
	S3              objstore.Config
}

const projectURL = "https://github.com/mallihaku/mallihaku"

type listFlag struct{ list *[]string }

func (l listFlag) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}
func (l listFlag) Set(v string) error { *l.list = append(*l.list, v); return nil }

// flagSet returns the flags of one command, bound to cfg. The names given select which of the
// shared flags the command takes.
func flagSet(name string, cfg *config, stderr io.Writer, flags ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := map[string]func(){
		"addr": func() { fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to serve HTTP on") },
		"data": func() {
			fs.StringVar(&cfg.Data, "data", "", "data folder (index, crawl state, page cache, job history)")
		},
		"site": func() { fs.StringVar(&cfg.Site, "site", "", "base URL of the site to crawl, e.g. https://innokyla.fi") },
		"full": func() {
			fs.BoolVar(&cfg.Full, "full", false, "fetch every page again and build a new index generation")
		},
		"reparse": func() {
			fs.BoolVar(&cfg.Reparse, "reparse", false, "re-normalise every model from the page cache, without the network")
		},
		"rate":        func() { fs.Float64Var(&cfg.Rate, "rate", 1, "requests per second per host (politeness)") },
		"concurrency": func() { fs.IntVar(&cfg.Concurrency, "concurrency", 2, "requests in flight per host") },
		"max-pages": func() {
			fs.IntVar(&cfg.MaxPages, "max-pages", crawler.DefaultMaxPages, "most page requests of one crawl run; discovery included; a run that reaches it stops with an error, so a site that makes endless URLs cannot keep it going")
		},
		"contact-url": func() {
			fs.StringVar(&cfg.ContactURL, "contact-url", projectURL, "contact URL in the crawler's User-Agent")
		},
		"schedule": func() {
			fs.StringVar(&cfg.Schedule, "schedule", "0 2 * * 1-6", "cron schedule of incremental reindexes (Europe/Helsinki)")
		},
		"full-schedule": func() {
			fs.StringVar(&cfg.FullSchedule, "full-schedule", "0 2 * * 0", "cron schedule of full reindexes (Europe/Helsinki)")
		},
		"admin-token": func() {
			fs.StringVar(&cfg.AdminToken, "admin-token", "", "bearer token of the admin API (at least 16 characters, 8 different, no whitespace); admin routes are off without one")
		},
		"log-level": func() { fs.StringVar(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error") },
		"jitter": func() {
			fs.DurationVar(&cfg.Jitter, "jitter", 0, "start each scheduled reindex up to this much later (spreads load)")
		},
		"search-rate": func() {
			fs.Float64Var(&cfg.SearchRate, "search-rate", 20, "searches per second allowed per client address (0: no limit)")
		},
		"search-burst": func() {
			fs.IntVar(&cfg.SearchBurst, "search-burst", 40, "searches a client may make at once before the rate applies")
		},
		"publish": func() {
			fs.StringVar(&cfg.Publish, "publish", "", "publish each new index generation to s3://BUCKET/PREFIX (the writer; needs --site)")
		},
		"replica-of": func() {
			fs.StringVar(&cfg.ReplicaOf, "replica-of", "", "serve the generations a writer publishes to s3://BUCKET/PREFIX (a read replica; no --site)")
		},
		"replica-interval": func() {
			fs.DurationVar(&cfg.ReplicaInterval, "replica-interval", 30*time.Second, "how often a replica checks the manifest (and a writer retries a failed publication)")
		},
		"s3": func() {
			fs.StringVar(&cfg.S3.Endpoint, "s3-endpoint", "", "object storage URL, e.g. https://a3s.fi or http://127.0.0.1:9000 (default: AWS S3; env AWS_ENDPOINT_URL)")
			fs.StringVar(&cfg.S3.Region, "s3-region", "", "object storage region (env AWS_REGION)")
			fs.StringVar(&cfg.S3.AccessKey, "s3-access-key", "", "object storage access key ID (env AWS_ACCESS_KEY_ID)")
			fs.StringVar(&cfg.S3.SecretKey, "s3-secret-key", "", "object storage secret key (env AWS_SECRET_ACCESS_KEY; prefer the environment to a flag)")
			fs.StringVar(&cfg.S3.CAFile, "s3-ca", "", "PEM file of certificate authorities to trust for the object storage's TLS, besides the system's")
			fs.StringVar((*string)(&cfg.S3.Addressing), "s3-addressing", "auto", "bucket addressing: auto, path (MinIO, Ceph, versitygw) or virtual")
		},
		"open-timeout": func() {
			fs.DurationVar(&cfg.OpenTimeout, "open-timeout", 5*time.Second, "how long to wait for a data folder another process holds")
		},
	}
	for _, f := range append(flags, "log-level", "open-timeout") {
		all[f]()
	}
	return fs
}

// awsVars are the standard variables of the object storage flags.
var awsVars = map[string]string{
	"s3-endpoint": "AWS_ENDPOINT_URL", "s3-region": "AWS_REGION",
	"s3-access-key": "AWS_ACCESS_KEY_ID", "s3-secret-key": "AWS_SECRET_ACCESS_KEY",
}

// parse applies the environment, then the command line.
func parse(fs *flag.FlagSet, args, env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if name := awsVars[f.Name]; vars[name] != "" && envErr == nil {
			if err := f.Value.Set(vars[name]); err != nil {
				envErr = fmt.Errorf("%w: %s=%q: %v", errUsage, name, vars[name], err)
			}
		}
		name := "MALLIHAKU_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := vars[name]; ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%w: %s=%q: %v", errUsage, name, v, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return checkFlags(fs)
}

// positional names the commands that take arguments after their flags.
var positional = map[string]bool{"search": true, "inspect": true}

// checkFlags checks every value a command was given, from flags or the environment, before
// the command does any work: a typo fails at once with the flag's name, not after a crawl.
func checkFlags(fs *flag.FlagSet) error {
	if fs.NArg() > 0 && !positional[fs.Name()] {
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, fs.Name(), fs.Arg(0))
	}
	var errs []string
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("--%s %s", name, fmt.Sprintf(format, args...)))
	}
	fs.VisitAll(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok {
			return
		}
		switch v := g.Get().(type) {
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				bad(f.Name, "%v: want a number, 0 or more", v)
			}
		case int:
			if v < 0 || (v == 0 && (f.Name == "concurrency" || f.Name == "search-burst" || f.Name == "max-pages")) {
				bad(f.Name, "%d: want a whole number, 1 or more", v)
			}
		case time.Duration:
			if v < 0 || (v == 0 && (f.Name == "open-timeout" || f.Name == "replica-interval")) {
				bad(f.Name, "%s: want a positive duration such as 5s", v)
			}
		case string:
			if err := checkString(f.Name, v); err != nil {
				bad(f.Name, "%q: %v", v, err)
			}
		}
	})
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", errUsage, strings.Join(errs, "; "))
	}
	return nil
}

// checkString checks the flags whose values are addresses, URLs, schedules or levels.
func checkString(name, v string) error {
	switch name {
	case "addr":
		host, port, err := net.SplitHostPort(v)
		if err != nil {
			return errors.New("want host:port, e.g. 127.0.0.1:8080")
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("port %q is not a number from 0 to 65535", port)
		}
		if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
			return fmt.Errorf("host %q is not an IP address or a host name", host)
		}
	case "site", "contact-url":
		if v == "" && name == "site" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want an http or https URL, e.g. https://innokyla.fi")
		}
	case "schedule", "full-schedule":
		if v == "" || v == "off" {
			return nil
		}
		if _, err := reindex.ParseSchedule(v, time.UTC); err != nil {
			return err
		}
	case "publish", "replica-of":
		if v == "" {
			return nil
		}
		if _, err := objstore.ParseURL(v); err != nil {
			return errors.New("want s3://BUCKET/PREFIX")
		}
	case "s3-endpoint":
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			return errors.New("want http(s)://HOST[:PORT], e.g. https://a3s.fi")
		}
	case "s3-addressing":
		if v != "auto" && v != "path" && v != "virtual" {
			return errors.New("want auto, path or virtual")
		}
	case "log-level":
		var l slog.Level
		if err := l.UnmarshalText([]byte(v)); err != nil {
			return errors.New("want debug, info, warn or error")
		}
	}
	return nil
}

// validHostname tells whether s is a host name as DNS writes it (letters, digits, hyphens and
// dots), such as localhost or mallihaku.example.fi.
func validHostname(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// logConfig logs the effective configuration, secrets redacted.
func logConfig(log *slog.Logger, command string, fs *flag.FlagSet) {
	var attrs []any
	fs.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		if (f.Name == "admin-token" || f.Name == "s3-secret-key") && v != "" {
			v = "[redacted]"
		}
		attrs = append(attrs, f.Name, v)
	})
	log.Info("configuration", append([]any{"command", command}, attrs...)...)
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
