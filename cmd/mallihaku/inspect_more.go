package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
)

// inspect shows what mallihaku reads from one page, a URL or a file (a .txt file is a text
// rendering): field by field, then the document. A programme's page (/kokonaisuus/ in its
// address or file name) gives a programme, a development-path page (kehittamisen-polku) its
// sections; a model's page fetched by URL brings its development path along.
func inspect(ctx context.Context, stdout io.Writer, target, ua string, p *extract.Profile) error {
	remote := strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://")
	pageURL, text := target, false
	var body []byte
	var err error
	if remote {
		body, err = fetchOne(ctx, target, ua)
	} else {
		pageURL, text = "file://"+target, strings.HasSuffix(target, ".txt")
		body, err = os.ReadFile(target)
	}
	if err != nil {
		return err
	}
	switch inspectKind(target, p) {
	case "programme":
		return inspectProgramme(stdout, pageURL, body, text, p)
	case "path":
		_, err := inspectPath(stdout, body, text, p, true)
		return err
	}
	var (
		m   practice.Model
		rep extract.Report
	)
	if text {
		m, rep, err = extract.Text(pageURL, string(body), p)
	} else {
		m, rep, err = extract.HTML(pageURL, body, p)
	}
	if _, werr := rep.WriteTo(stdout); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	if remote {
		if path, perr := fetchOne(ctx, strings.TrimSuffix(target, "/")+p.PathPage, ua); perr == nil {
			if m.DevelopmentPath, err = inspectPath(stdout, path, false, p, false); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(stdout, "development path: none (%v)\n", perr)
		}
	}
	fmt.Fprintln(stdout, "\nDocument:")
	return writeJSON(stdout, m.WithEmptyLists())
}

// inspectKind is what kind of page inspect reads at target: a model's, a model's development
// path ("path") or a programme's ("programme"), by its address, or a file's name.
func inspectKind(target string, p *extract.Profile) string {
	name := filepath.Base(target)
	if u, err := url.Parse(target); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if extract.IsProgrammePage(target, p) {
			return "programme"
		}
		name = path.Base(strings.TrimSuffix(u.Path, "/"))
	} else if strings.Contains(name, "kokonaisuus") {
		return "programme"
	}
	if strings.Contains(name, strings.Trim(p.PathPage, "/")) {
		return "path"
	}
	return "model"
}

// inspectProgramme reports a programme page field by field, then its document.
func inspectProgramme(stdout io.Writer, pageURL string, body []byte, text bool, p *extract.Profile) error {
	var (
		pr  practice.Programme
		rep extract.Report
		err error
	)
	if text {
		pr, rep, err = extract.ProgrammeText(pageURL, string(body), p)
	} else {
		pr, rep, err = extract.ProgrammeHTML(pageURL, body, p)
	}
	if _, werr := rep.WriteTo(stdout); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nProgramme:")
	return writeJSON(stdout, pr)
}

// inspectPath reports a development-path page section by section, and with document its
// sections as a document of their own.
func inspectPath(stdout io.Writer, body []byte, text bool, p *extract.Profile, document bool) ([]practice.Section, error) {
	var (
		secs []practice.Section
		rep  extract.Report
	)
	if text {
		secs, rep = extract.PathText(string(body), p)
	} else {
		secs, rep = extract.PathHTML(body, p)
	}
	fmt.Fprintln(stdout, "development path:")
	if _, err := rep.WriteTo(stdout); err != nil {
		return nil, err
	}
	if !document {
		return secs, nil
	}
	fmt.Fprintln(stdout, "\nDevelopment path:")
	return secs, writeJSON(stdout, secs)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
