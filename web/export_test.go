package web

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

var exportHeadingsFi = []string{"Nimi", "Linkki", "Alue", "Hyvinvointialue", "Kunnat", "Kehittämisen vaihe",
	"Aihealueet", "Kohderyhmät", "Rahoittajat", "Toteutuspaikka", "Luotu", "Viimeksi muokattu"}

// exportModel is a model whose every exported field holds something, ä and ö included.
var exportModel = practice.Model{ID: "kotihoito-ja-oljy", URL: "https://innokyla.fi/fi/toimintamalli/kotihoito-ja-oljy",
	Title: "Ikääntyneiden kotihoito; \"yöpartio\" ja öljy", Summary: "Yöllä kotiin.", Region: []string{"Pirkanmaa"},
	WellbeingCounty: []string{"Pirkanmaan hyvinvointialue"}, Municipality: []string{"Tampere", "Ylöjärvi"},
	Phase: "Valmis", Topics: []string{"Ikääntyneet", "Kotihoito"}, TargetGroups: []string{"Ikääntyneet"},
	Funders: []string{"STM", "Säätiö"}, Location: "Ylöjärven kotihoito", Created: practice.NewDate(2021, 11, 9),
	Modified: practice.NewDate(2024, 1, 31)}

// formula is crawled text a spreadsheet would run as a formula, were it not escaped.
var formula = practice.Model{ID: "kaava", URL: "https://innokyla.fi/fi/toimintamalli/kaava", Title: "=HYPERLINK(\"http://x\")",
	Summary: "Kaava", Phase: "Kehitteillä"}

func exportGet(t *testing.T, srv *httptest.Server, method, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the download: %v", method, path, err)
	}
	return resp, b
}

func TestCSVExportIsWhatExcelInAFinnishLocaleReads(t *testing.T) {
	srv := newServer(t, exportModel, formula, plain)
	resp, body := exportGet(t, srv, "GET", "/export.csv?q=kotihoito")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if d := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(d, `attachment; filename="mallihaku-`) || !strings.HasSuffix(d, `.csv"`) {
		t.Errorf("Content-Disposition %q, want a download named mallihaku-<date>.csv", d)
	}
	text, ok := strings.CutPrefix(string(body), "\ufeff")
	if !ok {
		t.Fatalf("the file does not start with a UTF-8 byte order mark: %q", body[:min(len(body), 10)])
	}
	if !strings.Contains(text, "\r\n") {
		t.Error("lines do not end in CRLF")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{exportHeadingsFi, {exportModel.Title, exportModel.URL, "Pirkanmaa", "Pirkanmaan hyvinvointialue",
		"Tampere, Ylöjärvi", "Valmis", "Ikääntyneet, Kotihoito", "Ikääntyneet", "STM, Säätiö", "Ylöjärven kotihoito", "9.11.2021", "31.1.2024"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("the export of kotihoito reads\n%q\nwant\n%q", rows, want)
	}

	_, body = exportGet(t, srv, "GET", "/export.csv?q=kaava&lang=en")
	r = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff")))
	r.Comma = ';'
	rows, _ = r.ReadAll()
	if len(rows) != 2 || rows[0][0] != "Title" || rows[1][0] != "'"+formula.Title || rows[1][5] != "Under development" {
		t.Errorf("English export of a title that looks like a formula: %q, want English headings and the title after an apostrophe", rows)
	}
}

func TestExportsAnswerHEADWithTheHeadersOfTheDownload(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	for _, c := range []struct{ path, contentType string }{
		{"/export.csv?region=Pirkanmaa", "text/csv; charset=utf-8"},
		{"/export.xlsx?region=Pirkanmaa", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	} {
		resp, body := exportGet(t, srv, "HEAD", c.path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.contentType || len(body) != 0 {
			t.Errorf("HEAD %s: %d %q with %d bytes", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		if resp.Header.Get("X-Total-Count") != "2" {
			t.Errorf("HEAD %s: X-Total-Count %q, want the 2 models of Pirkanmaa", c.path, resp.Header.Get("X-Total-Count"))
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("HEAD %s: no %s", c.path, h)
			}
		}
	}
}

func TestAnExportOfABadSearchIsAPageSayingWhy(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	for _, path := range []string{"/export.csv?q=*a*", "/export.xlsx?sort=sometimes"} {
		resp, body := exportGet(t, srv, "GET", path)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: %d %q %q, want 400 and a page, not a download", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		if !strings.Contains(string(body), "Hakua ei voitu tehdä") {
			t.Errorf("%s: the page does not say the search could not be run", path)
		}
	}
}

// soffice returns LibreOffice's command, skipping the test without it (failing it on CI).
func soffice(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice, Debian's libreoffice-calc-nogui) is needed to read exports back; .ci/run installs it")
		}
		t.Skip("no soffice (apt-get install libreoffice-calc-nogui)")
	}
	return path
}

// convertToFODS has LibreOffice open file (with filter options, for CSV) and save it as a
// flat OpenDocument spreadsheet, whose XML says each cell's type.
func convertToFODS(t *testing.T, soffice, profile, file, infilter string) string {
	t.Helper()
	out := t.TempDir()
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore"}
	if infilter != "" {
		args = append(args, "--infilter="+infilter)
	}
	args = append(args, "--convert-to", "fods", "--outdir", out, file)
	cmd := exec.CommandContext(t.Context(), soffice, args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice %v: %v\n%s", args, err, b)
	}
	name := filepath.Join(out, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+".fods")
	if _, err := os.Stat(name); err != nil {
		t.Fatalf("soffice wrote no %s: %v", name, err)
	}
	return name
}

// sheetCell is one cell as LibreOffice read it: its type (string, date, float) and value.
type sheetCell struct{ Type, Value string }

// readFODS reads the first table of a flat OpenDocument spreadsheet, without the empty rows
// and cells that pad it to the sheet's edge.
func readFODS(t *testing.T, name string) [][]sheetCell {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	const office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	const text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	attr := func(e xml.StartElement, space, local string) string {
		for _, a := range e.Attr {
			if a.Name.Space == space && a.Name.Local == local {
				return a.Value
			}
		}
		return ""
	}
	var rows [][]sheetCell
	var cell *sheetCell
	repeat, tables, inP := 1, 0, false
	d := xml.NewDecoder(f)
	for tables < 2 {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Space == table && e.Name.Local == "table":
				tables++
			case e.Name.Space == table && e.Name.Local == "table-row":
				rows = append(rows, nil)
			case cell != nil && e.Name.Space == text && e.Name.Local == "p":
				inP = true
			case cell != nil && e.Name.Space == text && e.Name.Local == "s": // spaces
				n := 1
				if c := attr(e, text, "c"); c != "" {
					fmt.Sscan(c, &n)
				}
				cell.Value += strings.Repeat(" ", n)
			case e.Name.Space == table && e.Name.Local == "table-cell":
				cell = &sheetCell{Type: attr(e, office, "value-type")}
				switch cell.Type {
				case "date":
					cell.Value = attr(e, office, "date-value")
				case "float":
					cell.Value = attr(e, office, "value")
				}
				repeat = 1
				if n := attr(e, table, "number-columns-repeated"); n != "" {
					fmt.Sscan(n, &repeat)
				}
			}
		case xml.CharData:
			if inP && cell.Type == "string" {
				cell.Value += string(e)
			}
		case xml.EndElement:
			if e.Name.Space == text && e.Name.Local == "p" {
				inP = false
			}
			if cell != nil && e.Name.Space == table && e.Name.Local == "table-cell" {
				if cell.Type != "" || repeat < 100 {
					for range min(repeat, 100) {
						rows[len(rows)-1] = append(rows[len(rows)-1], *cell)
					}
				}
				cell = nil
			}
		}
	}
	for len(rows) > 0 && slices.IndexFunc(rows[len(rows)-1], func(c sheetCell) bool { return c.Type != "" }) < 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// TestExportsOfTenThousandModelsReadBackInLibreOffice exports every model of an index of
// 10,000 (the most a search may reach) as CSV and XLSX, and has LibreOffice read both: the CSV
// as a Finnish spreadsheet opens it (; between fields, UTF-8, Finnish dates), the XLSX as is.
// Every row must be a model, each model once, with its title as written (ä and ö) and its dates
// as dates.
func TestExportsOfTenThousandModelsReadBackInLibreOffice(t *testing.T) {
	lo := soffice(t)
	const n = search.MaxDepth
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Snowball, not Voikko: the test is of the export, and Snowball indexes several times faster.
	ix, err := indexer.Open(t.TempDir(), log, indexer.WithAnalyzer(finnish.SnowballAnalyzer()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	byURL := map[string]practice.Model{}
	fill := synthetic.Fill(15, n)
	_, err = ix.Build(context.Background(), func(ctx context.Context, put func(practice.Model) error) error {
		return fill(ctx, func(m practice.Model) error {
			m.Sections = nil // the export has no sections; the index builds faster without them
			byURL[m.URL] = m
			return put(m)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	dir, profile := t.TempDir(), t.TempDir()
	for _, c := range []struct{ ext, infilter string }{
		// Field separator ;, text delimiter ", UTF-8, from line 1, columns as detected, in a
		// Finnish locale (1035), quoted fields as text no, detect dates yes.
		{"csv", "CSV:59,34,76,1,,1035,false,true"},
		{"xlsx", ""},
	} {
		resp, body := exportGet(t, srv, "GET", "/export."+c.ext)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/export.%s: status %d", c.ext, resp.StatusCode)
		}
		file := filepath.Join(dir, "vienti."+c.ext)
		if err := os.WriteFile(file, body, 0o600); err != nil {
			t.Fatal(err)
		}
		rows := readFODS(t, convertToFODS(t, lo, profile, file, c.infilter))
		if len(rows) != n+1 {
			t.Fatalf("%s: LibreOffice reads %d rows, want the headings and %d models", c.ext, len(rows), n)
		}
		var headings []string
		for _, cell := range rows[0] {
			headings = append(headings, cell.Value)
		}
		if fmt.Sprint(headings) != fmt.Sprint(exportHeadingsFi) {
			t.Errorf("%s: headings %q, want %q", c.ext, headings, exportHeadingsFi)
		}
		seen, umlauts, wrong := map[string]bool{}, 0, 0
		for i, row := range rows[1:] {
			if len(row) < 12 {
				t.Fatalf("%s: row %d has %d cells: %v", c.ext, i+2, len(row), row)
			}
			m, ok := byURL[row[1].Value]
			if !ok || seen[m.URL] {
				t.Fatalf("%s: row %d links to %q: not a model, or one already listed", c.ext, i+2, row[1].Value)
			}
			seen[m.URL] = true
			if strings.ContainsAny(m.Title, "äöÄÖ") {
				umlauts++
			}
			want := []sheetCell{{"string", m.Title}, {"string", strings.Join(m.Topics, ", ")}, {"date", m.Created.String()}, {"date", m.Modified.String()}}
			got := []sheetCell{row[0], row[6], row[10], row[11]}
			if fmt.Sprint(got) != fmt.Sprint(want) && wrong < 5 {
				wrong++
				t.Errorf("%s: row %d reads %q, want %q", c.ext, i+2, got, want)
			}
		}
		if umlauts < 100 {
			t.Errorf("%s: only %d titles with ä or ö: the test does not show they survive", c.ext, umlauts)
		}
	}
}

func TestTheResultsPageLinksToExportsOfItsSearch(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	_, body := get(t, srv, "/?q=kotihoito&region=Pirkanmaa&sort=title&page=1&lang=sv")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	for id, want := range map[string]string{
		"#vie-csv":  "/export.csv?lang=sv&q=kotihoito&region=Pirkanmaa&sort=title",
		"#vie-xlsx": "/export.xlsx?lang=sv&q=kotihoito&region=Pirkanmaa&sort=title",
	} {
		if got, _ := doc.Find(id).Attr("href"); got != want {
			t.Errorf("%s links to %q, want %q", id, got, want)
		}
	}
	_, body = get(t, srv, "/?q=eimitaan")
	if strings.Contains(body, "/export.csv") {
		t.Error("a search that finds nothing offers an export")
	}
}
