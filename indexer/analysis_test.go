package indexer

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/finnish/finnishtest"
	"github.com/mallihaku/mallihaku/practice"
)

func meta(t *testing.T, ix *Index, key string) string {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v, err := ix.idx.GetInternal([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return string(v)
}

// An index records the analysis and mapping version it was built with; one opened by a
// mallihaku with another analysis says so, names the command that rebuilds it, and analyses
// queries the way the index was built until it is rebuilt.
func TestIndexRecordsItsAnalyzerAndAMismatchNamesTheFix(t *testing.T) {
	voikko := finnishtest.Voikko(t)
	dir := t.TempDir()
	ix, err := Open(dir, quiet, WithAnalyzer(finnish.SnowballAnalyzer()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Build(context.Background(), models("a")); err != nil {
		t.Fatal(err)
	}
	if a, v := meta(t, ix, metaAnalyzer), meta(t, ix, metaMapping); a != "snowball" || v != strconv.Itoa(MappingVersion) {
		t.Errorf("index records analyzer %q mapping %q, want snowball %d", a, v, MappingVersion)
	}
	ix.Close()

	var log bytes.Buffer
	ix, err = Open(dir, slog.New(slog.NewTextHandler(&log, nil)), WithAnalyzer(voikko))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if want := "mallihaku crawl --reparse --data " + dir; !strings.Contains(log.String(), want) ||
		!strings.Contains(log.String(), "analyzer snowball") {
		t.Errorf("start-up log does not report the mismatch with %q:\n%s", want, log.String())
	}
	if got := ix.Analyzer().Name(); got != finnish.NameSnowball {
		t.Errorf("queries on the old index are analysed with %s, want snowball", got)
	}
	if _, err := ix.Build(context.Background(), models("a")); err != nil {
		t.Fatal(err)
	}
	if got, rec := ix.Analyzer().Name(), meta(t, ix, metaAnalyzer); got != finnish.NameVoikko || rec != "voikko" {
		t.Errorf("after a rebuild: analyzer %s, recorded %q; want voikko", got, rec)
	}
}

// The three fields of a text field: every form, base forms, forms as written.
func TestTextFieldsHoldEveryFormBaseFormsAndExactForms(t *testing.T) {
	voikko := finnishtest.Voikko(t)
	ix, err := Open(t.TempDir(), quiet, WithAnalyzer(voikko))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		return put(practice.Model{ID: "m", Title: "Nuorten mielenterveyspalveluiden kehittäminen"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field, term string
		found       bool
	}{
		{FieldTitle, "mielenterveyspalveluiden", true},
		{FieldTitle, "mielenterveyspalvelu", true},
		{FieldTitle, "terveyspalvelu", true},
		{FieldTitle, "nuori", true},
		{BaseField(FieldTitle), "mielenterveyspalvelu", true},
		{BaseField(FieldTitle), "terveyspalvelu", false},
		{BaseField(FieldTitle), "nuorten", false},
		{ExactField(FieldTitle), "nuorten", true},
		{ExactField(FieldTitle), "nuori", false},
	} {
		q := query.NewTermQuery(tc.term)
		q.SetField(tc.field)
		res, err := ix.Search(context.Background(), bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		if (res.Total == 1) != tc.found {
			t.Errorf("%s:%s found %d", tc.field, tc.term, res.Total)
		}
	}
}
