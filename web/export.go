package web

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// exportColumns are the message keys of an export's column headings, in order; exportRow
// gives the values in the same order.
var exportColumns = []string{"export_title", "export_link", "area", "chip_wellbeing_county", "export_municipalities",
	"phase", "topics", "target_groups", "funders", "location", "created", "modified"}

// exportRow is one model as an export's row: text cells, then the created and modified dates
// (zero when the model gives none). Places and phases are in the page's language.
func exportRow(lang string, m practice.Model) (text []string, created, modified practice.Date) {
	places := func(key string, values []string) string {
		names := make([]string, len(values))
		for i, v := range values {
			names[i] = valueLabel(lang, key, v)
		}
		return strings.Join(names, ", ")
	}
	return []string{m.Title, m.URL, places("region", m.Region), places("wellbeing_county", m.WellbeingCounty),
		places("municipality", m.Municipality), valueLabel(lang, "phase", m.Phase), strings.Join(m.Topics, ", "),
		strings.Join(m.TargetGroups, ", "), strings.Join(m.Funders, ", "), m.Location}, m.Created, m.Modified
}

// exportBatch is how many models one search of an export brings: the most a page may hold.
const exportBatch = search.MaxSize

// exportWriter writes the rows of one export format.
type exportWriter interface {
	header(cols []string) error
	row(text []string, created, modified practice.Date) error
	// close finishes the file; nothing is complete before it.
	close() error
}

// exportCSV serves the whole result set of a search as CSV for a spreadsheet in a Finnish
// locale: UTF-8 with a byte order mark (without it Excel guesses another encoding), `;`
// between fields (`,` is the decimal separator there), CRLF line ends and dates as 9.11.2021.
func (s *server) exportCSV(c *gin.Context) error {
	return s.export(c, "text/csv; charset=utf-8", "csv", func(w io.Writer) (exportWriter, error) {
		bw := bufio.NewWriter(w)
		if _, err := bw.WriteString("\ufeff"); err != nil {
			return nil, err
		}
		cw := csv.NewWriter(bw)
		cw.Comma, cw.UseCRLF = ';', true
		return &csvExport{w: cw, buf: bw}, nil
	})
}

// exportXLSX serves the whole result set of a search as an Excel workbook, its dates as dates
// (shown d.m.yyyy). excelize's stream writer keeps each row as compact sheet XML, moved to a
// temporary file past 16 MB, rather than as cells in memory; the workbook is zipped and sent
// when the last row is in, as the format needs.
func (s *server) exportXLSX(c *gin.Context) error {
	return s.export(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", func(w io.Writer) (exportWriter, error) {
		return newXLSXExport(w, tr(pageLang(c.Request), "export_sheet"))
	})
}

// export runs the search the URL describes (the parameters of the search page, without its
// paging) and writes every model it finds, up to search.MaxDepth, a batch at a time as the
// searches return them. A bad search is refused before anything is sent; a failure after the
// first rows cuts the connection, so that a partial file never looks whole.
func (s *server) export(c *gin.Context, contentType, ext string, open func(io.Writer) (exportWriter, error)) error {
	params := withoutLang(c.Request.URL.Query())
	params.Del("page")
	params.Del("size")
	params.Del("facet_size")
	req, err := searchRequest(params)
	if err != nil {
		return err
	}
	pageNational(params, &req)
	req.Page, req.Size, req.FacetSize = 1, exportBatch, 1
	ctx := c.Request.Context()
	res, err := s.cfg.Searcher.Search(ctx, req)
	if err != nil {
		return err
	}
	lang := pageLang(c.Request)
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="mallihaku-%s.%s"`, time.Now().Format(time.DateOnly), ext))
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Total-Count", fmt.Sprint(min(res.Total, search.MaxDepth)))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	fail := func(err error) error {
		c.Error(fmt.Errorf("export: %w", err))
		cutConnection(c)
		return nil
	}
	w, err := open(c.Writer)
	if err != nil {
		return fail(err)
	}
	cols := make([]string, len(exportColumns))
	for i, k := range exportColumns {
		cols[i] = tr(lang, k)
	}
	if err := w.header(cols); err != nil {
		return fail(err)
	}
	for {
		for _, h := range res.Hits {
			if err := w.row(exportRow(lang, h.Model)); err != nil {
				return fail(err)
			}
		}
		if len(res.Hits) < req.Size || uint64(req.Page*req.Size) >= res.Total || (req.Page+1)*req.Size > search.MaxDepth {
			break
		}
		req.Page++
		if res, err = s.cfg.Searcher.Search(ctx, req); err != nil {
			return fail(err)
		}
	}
	if err := w.close(); err != nil {
		return fail(err)
	}
	return nil
}

// cutConnection closes the client's connection without ending the response properly, so that
// the client sees a broken download rather than a short file.
func cutConnection(c *gin.Context) {
	c.Abort()
	if conn, _, err := http.NewResponseController(c.Writer).Hijack(); err == nil {
		conn.Close()
	}
}

type csvExport struct {
	w   *csv.Writer
	buf *bufio.Writer
}

func (e *csvExport) header(cols []string) error { return e.w.Write(cols) }

func (e *csvExport) row(text []string, created, modified practice.Date) error {
	rec := make([]string, 0, len(text)+2)
	for _, t := range text {
		rec = append(rec, safeCell(t))
	}
	return e.w.Write(append(rec, created.Finnish(), modified.Finnish()))
}

func (e *csvExport) close() error {
	e.w.Flush()
	if err := e.w.Error(); err != nil {
		return err
	}
	return e.buf.Flush()
}

// safeCell keeps a spreadsheet from reading crawled text as a formula (CSV injection): a
// cell that would start with =, +, -, @ or a control character gets a leading apostrophe.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type xlsxExport struct {
	out       io.Writer
	f         *excelize.File
	sw        *excelize.StreamWriter
	dateStyle int
	rows      int
}

func newXLSXExport(out io.Writer, sheet string) (*xlsxExport, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	dateFmt := "d.m.yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	// Widths in characters: title, link and the lists wide, dates narrow.
	for i, width := range []float64{50, 40, 18, 22, 24, 14, 30, 30, 30, 24, 11, 11} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	return &xlsxExport{out: out, f: f, sw: sw, dateStyle: dateStyle}, nil
}

func (e *xlsxExport) header(cols []string) error {
	if err := e.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bold, err := e.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	return e.next(cells)
}

func (e *xlsxExport) row(text []string, created, modified practice.Date) error {
	cells := make([]any, 0, len(text)+2)
	for _, t := range text {
		cells = append(cells, t)
	}
	for _, d := range []practice.Date{created, modified} {
		if d.IsZero() {
			cells = append(cells, nil)
		} else {
			cells = append(cells, excelize.Cell{StyleID: e.dateStyle, Value: d.Time()})
		}
	}
	return e.next(cells)
}

func (e *xlsxExport) next(cells []any) error {
	e.rows++
	cell, err := excelize.CoordinatesToCellName(1, e.rows)
	if err != nil {
		return err
	}
	return e.sw.SetRow(cell, cells)
}

func (e *xlsxExport) close() error {
	defer e.f.Close()
	if err := e.sw.Flush(); err != nil {
		return err
	}
	_, err := e.f.WriteTo(e.out)
	return err
}

// exportLinks are the search page's links to the exports of its search.
type exportLinks struct {
	ExportCSV, ExportXLSX string
	// ExportNote says that only the first search.MaxDepth models are exported, when more match.
	ExportNote string
}

// exportLinksOf links to the exports of the search params describe (paging aside): the same
// parameters, lang included, so the headings are in the page's language.
func exportLinksOf(lang string, params url.Values, total uint64) exportLinks {
	p := clone(params)
	p.Del("page")
	p.Del("size")
	p.Del("facet_size")
	qs := ""
	if len(p) > 0 {
		qs = "?" + p.Encode()
	}
	l := exportLinks{ExportCSV: "/export.csv" + qs, ExportXLSX: "/export.xlsx" + qs}
	if total > search.MaxDepth {
		l.ExportNote = tr(lang, "export_capped", search.MaxDepth)
	}
	return l
}
