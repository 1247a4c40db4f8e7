package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/search"
)

// openAPIDoc is the part of an OpenAPI document the tests read.
type openAPIDoc struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas    map[string]any       `json:"schemas"`
		Parameters map[string]parameter `json:"parameters"`
		Responses  map[string]response  `json:"responses"`
	} `json:"components"`
}

type operation struct {
	Parameters  []parameter         `json:"parameters"`
	Responses   map[string]response `json:"responses"`
	Security    []map[string]any    `json:"security"`
	RequestBody *struct {
		Content map[string]struct {
			Example any `json:"example"`
		} `json:"content"`
	} `json:"requestBody"`
}

type parameter struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
	Example  any    `json:"example"`
}

type response struct {
	Ref     string                    `json:"$ref"`
	Content map[string]map[string]any `json:"content"`
}

func loadOpenAPI(t *testing.T, srv *httptest.Server) openAPIDoc {
	t.Helper()
	resp, body := get(t, srv, "/api/openapi.json")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/api/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc openAPIDoc
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

const testAdminToken = "test-admin-token-0123456789"

// fakeJobs starts one job, then answers that one is running.
type fakeJobs struct{ started bool }

func (f *fakeJobs) Start(mode reindex.Mode) (reindex.Job, error) {
	if f.started {
		return reindex.Job{}, reindex.ErrBusy
	}
	f.started = true
	return reindex.Job{ID: 1, Mode: mode, Trigger: reindex.ByAdmin, State: reindex.Running, Started: time.Now().UTC()}, nil
}

func (f *fakeJobs) Recent(limit int) ([]reindex.Job, error) {
	return []reindex.Job{{ID: 1, Mode: reindex.Full, Trigger: reindex.BySchedule, State: reindex.Done, Started: time.Now().UTC(),
		Finished: time.Now().UTC(), Counts: reindex.Counts{reindex.Fetched: 2}}}, nil
}

func (f *fakeJobs) Next() map[reindex.Mode]time.Time { return nil }

// newFullServer serves the fixture models with every optional route on: admin, metrics and
// the per-client search limit, so that every route there can be is checked.
func newFullServer(t *testing.T) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix := fixtureIndex(t)
	h, err := NewHandler(fullConfig(search.NewSearcher(ix), log))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fullConfig(s Searcher, log *slog.Logger) Config {
	return Config{Searcher: s, Logger: log, Ready: func() bool { return true }, AdminToken: testAdminToken,
		Reindex: &fakeJobs{}, Metrics: NewMetrics(nil), SearchRate: 1000, SearchBurst: 1000, Programmes: fixtureProgrammes}
}

func fixtureIndex(t *testing.T) *indexer.Index {
	t.Helper()
	ix, err := indexer.Open(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		if err := put(hostile); err != nil {
			return err
		}
		return put(plain)
	}); err != nil {
		t.Fatal(err)
	}
	return ix
}

// ginPath turns gin's route syntax into OpenAPI's: /models/:id → /models/{id}.
var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

func ginPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

// TestEveryRouteIsDocumentedAndEveryDocumentedRouteExists reads the routes gin has
// registered, so a route added anywhere (admin, metrics) must be documented too.
func TestEveryRouteIsDocumentedAndEveryDocumentedRouteExists(t *testing.T) {
	engine, err := newEngine(fullConfig(nil, slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, newServer(t))
	registered := map[string]bool{}
	for _, r := range engine.Routes() {
		key := strings.ToLower(r.Method) + " " + ginPath(r.Path)
		registered[key] = true
		if r.Method == http.MethodHead {
			continue // every GET's, as HTTP says, documented or not; TestEveryGetRouteAnswersHeadLikeCurlI checks them
		}
		if _, ok := doc.Paths[ginPath(r.Path)][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a route", strings.ToUpper(method), path)
			}
		}
	}
}

// TestDocumentedRoutesAnswerAsDocumented calls every documented operation with its examples
// and checks the status, content type and body against the document; then the error cases.
func TestDocumentedRoutesAnswerAsDocumented(t *testing.T) {
	srv := newFullServer(t)
	doc := loadOpenAPI(t, srv)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			target := path
			q := url.Values{}
			for _, p := range op.Parameters {
				p = doc.resolveParam(p)
				if p.Example == nil {
					if p.Required {
						t.Errorf("%s %s: required parameter %s has no example", method, path, p.Name)
					}
					continue
				}
				switch p.In {
				case "path":
					target = strings.ReplaceAll(target, "{"+p.Name+"}", url.PathEscape(fmt.Sprint(p.Example)))
				case "query":
					if vs, ok := p.Example.([]any); ok {
						for _, v := range vs {
							q.Add(p.Name, fmt.Sprint(v))
						}
					} else {
						q.Set(p.Name, fmt.Sprint(p.Example))
					}
				}
			}
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			var body any
			if op.RequestBody != nil {
				body = op.RequestBody.Content["application/json"].Example
			}
			checkAsDocumented(t, srv, doc, method, path, target, body, len(op.Security) > 0, 0)
		}
	}
	for _, c := range []struct {
		method, path, target string
		body                 any
		token                bool
		status               int
	}{
		{"get", "/api/v1/search", "/api/v1/search?q=*a*", nil, false, 400},
		{"get", "/api/v1/search", "/api/v1/search?size=100000", nil, false, 400},
		{"get", "/api/v1/search", "/api/v1/search?page=x", nil, false, 400},
		{"get", "/api/v1/models/{id}", "/api/v1/models/ei-ole", nil, false, 404},
		{"get", "/malli/{id}", "/malli/ei-ole", nil, false, 404},
		{"get", "/api/v1/programmes/{id}", "/api/v1/programmes/ei-ole", nil, false, 404},
		{"get", "/kokonaisuus/{id}", "/kokonaisuus/ei-ole", nil, false, 404},
		{"get", "/", "/?q=%22a%22*", nil, false, 200},
		{"get", "/", "/?size=-1", nil, false, 400},
		{"get", "/static/{name}", "/static/ei-ole.css", nil, false, 404},
		{"post", "/api/v1/admin/reindex", "/api/v1/admin/reindex", map[string]string{"mode": "full"}, false, 401},
		{"post", "/api/v1/admin/reindex", "/api/v1/admin/reindex", map[string]string{"mode": "sometimes"}, true, 400},
		{"post", "/api/v1/admin/reindex", "/api/v1/admin/reindex", map[string]string{"mode": "full"}, true, 409},
		{"get", "/api/v1/admin/jobs", "/api/v1/admin/jobs", nil, false, 401},
	} {
		checkAsDocumented(t, srv, doc, c.method, c.path, c.target, c.body, c.token, c.status)
	}
	// Not ready yet.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, _ := NewHandler(Config{Logger: log, Ready: func() bool { return false }})
	starting := httptest.NewServer(h)
	defer starting.Close()
	checkAsDocumented(t, starting, doc, "get", "/readyz", "/readyz", nil, false, 503)
}

// checkAsDocumented requests target and checks that the answer is documented for the
// operation (method, path): its status (want, when not 0), content type and body schema.
func checkAsDocumented(t *testing.T, srv *httptest.Server, doc openAPIDoc, method, path, target string, body any, token bool, want int) {
	t.Helper()
	var reqBody io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		reqBody = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(strings.ToUpper(method), srv.URL+target, reqBody)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token {
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	what := fmt.Sprintf("%s %s", strings.ToUpper(method), target)
	if want != 0 && resp.StatusCode != want {
		t.Errorf("%s: status %d, want %d: %s", what, resp.StatusCode, want, respBody)
		return
	}
	if want == 0 && resp.StatusCode >= 300 {
		t.Errorf("%s with the documented examples: status %d: %s", what, resp.StatusCode, respBody)
		return
	}
	r, ok := doc.Paths[path][method].Responses[strconv.Itoa(resp.StatusCode)]
	if !ok {
		t.Errorf("%s: status %d is not documented", what, resp.StatusCode)
		return
	}
	r = doc.resolveResponse(r)
	if len(r.Content) == 0 {
		return
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	media, ok := r.Content[ct]
	if !ok {
		t.Errorf("%s: content type %s, documented %v", what, ct, r.Content)
		return
	}
	if ct != "application/json" || method == "head" {
		return
	}
	var v any
	if err := json.Unmarshal(respBody, &v); err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	for _, problem := range doc.validate(media["schema"], v, "$") {
		t.Errorf("%s: %s", what, problem)
	}
}

func (doc openAPIDoc) resolveParam(p parameter) parameter {
	if p.Ref != "" {
		return doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
	}
	return p
}

func (doc openAPIDoc) resolveResponse(r response) response {
	if r.Ref != "" {
		return doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r
}

// validate checks v against the subset of JSON Schema the document uses: $ref, type (also
// several, and null), properties, required, additionalProperties, items, maxItems, enum,
// oneOf, pattern.
func (doc openAPIDoc) validate(schema any, v any, at string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		return doc.validate(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			if len(doc.validate(alt, v, at)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			return []string{fmt.Sprintf("%s: %v matches %d of oneOf", at, v, matched)}
		}
		return nil
	}
	var problems []string
	if types, ok := s["type"]; ok {
		var allowed []string
		switch ts := types.(type) {
		case string:
			allowed = []string{ts}
		case []any:
			for _, t := range ts {
				allowed = append(allowed, t.(string))
			}
		}
		if got := jsonType(v); !slices.Contains(allowed, got) && !(got == "integer" && slices.Contains(allowed, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", at, got, allowed)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		problems = append(problems, fmt.Sprintf("%s: %v not in %v", at, v, enum))
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := v.(string); ok && !regexp.MustCompile(p).MatchString(str) {
			problems = append(problems, fmt.Sprintf("%s: %q does not match %s", at, str, p))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := v[r]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required %q missing", at, r))
			}
		}
		for k, val := range v {
			if ps, ok := props[k]; ok {
				problems = append(problems, doc.validate(ps, val, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					problems = append(problems, fmt.Sprintf("%s: %q is not documented", at, k))
				}
			case map[string]any:
				problems = append(problems, doc.validate(ap, val, at+"."+k)...)
			}
		}
	case []any:
		if m, ok := s["maxItems"].(float64); ok && len(v) > int(m) {
			problems = append(problems, fmt.Sprintf("%s: %d items, at most %v", at, len(v), m))
		}
		for i, item := range v {
			problems = append(problems, doc.validate(s["items"], item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return problems
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func asStrings(v any) []string {
	var out []string
	if vs, ok := v.([]any); ok {
		for _, x := range vs {
			out = append(out, x.(string))
		}
	}
	return out
}

// statusJobs has one job in its history and two schedules.
type statusJobs struct {
	*fakeJobs
	last reindex.Job
	next map[reindex.Mode]time.Time
}

func (s statusJobs) Recent(int) ([]reindex.Job, error) { return []reindex.Job{s.last}, nil }
func (s statusJobs) Next() map[reindex.Mode]time.Time  { return s.next }

// TestStatusReportsTheIndexAndReindexJobs checks /api/v1/status with job information filled
// in, and the document's schema for it.
func TestStatusReportsTheIndexAndReindexJobs(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	started := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	next := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log, Analyzer: "snowball", Version: "test",
		Reindex: statusJobs{fakeJobs: &fakeJobs{}, last: reindex.Job{ID: 7, Mode: reindex.Incremental, Trigger: reindex.BySchedule, State: reindex.Done,
			Started: started, Finished: started.Add(time.Minute), Counts: reindex.Counts{reindex.Fetched: 3}},
			next: map[reindex.Mode]time.Time{reindex.Incremental: next, reindex.Full: next.Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, body := get(t, srv, "/api/v1/status")
	var st map[string]any
	json.Unmarshal([]byte(body), &st)
	if st["generation"] != ix.Generation() || st["documents"] != 0.0 || st["analyzer"] != "snowball" ||
		st["next_reindex"] != next.Format(time.RFC3339) || st["last_reindex"].(map[string]any)["mode"] != "incremental" ||
		st["next_reindex_by_mode"].(map[string]any)["full"] != next.Add(time.Hour).Format(time.RFC3339) {
		t.Errorf("status %s", body)
	}
	checkAsDocumented(t, srv, loadOpenAPI(t, srv), "get", "/api/v1/status", "/api/v1/status", nil, false, 200)
}

// TestStatusAndMetricsOfAReplicaTellWhatItServesAndHowFarBehindItIs checks the replication
// part of /api/v1/status, its schema, and the replica-lag metrics.
func TestStatusAndMetricsOfAReplicaTellWhatItServesAndHowFarBehindItIs(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	agreed := time.Now().Add(-90 * time.Second)
	repl := func() *Replication {
		return NewReplication("replica", "s3://mallihaku/prod", "20261201T020000.000000000", "20261202T020000.000000000",
			agreed, time.Now(), "generation refused: checksum")
	}
	metrics := NewMetrics(ix)
	metrics.WatchReplication(repl)
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log, Analyzer: "snowball", Version: "test",
		Replication: repl, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, body := get(t, srv, "/api/v1/status")
	var st struct{ Replication Replication }
	json.Unmarshal([]byte(body), &st)
	r := st.Replication
	if r.Role != "replica" || r.Served != "20261201T020000.000000000" || r.Manifest != "20261202T020000.000000000" ||
		r.SecondsSinceAgreed == nil || *r.SecondsSinceAgreed < 89 || r.Error == "" {
		t.Errorf("status %s", body)
	}
	checkAsDocumented(t, srv, loadOpenAPI(t, srv), "get", "/api/v1/status", "/api/v1/status", nil, false, 200)

	_, text := get(t, srv, "/metrics")
	for _, want := range []string{
		`mallihaku_replication_info{manifest_generation="20261202T020000.000000000",role="replica",served_generation="20261201T020000.000000000"} 1`,
		"mallihaku_replication_in_sync 0", "mallihaku_replication_failing 1", "mallihaku_replication_seconds_since_agreed 9",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
