package main

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestEveryValueIsCheckedBeforeAnyWork(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		says string
	}{
		{nil, []string{"version", "extra"}, "version takes no arguments"},
		{nil, []string{"demo", "--addr", "notanaddress"}, "--addr"},
		{nil, []string{"serve", "--data", "DATA", "--addr", "127.0.0.1:99999"}, "--addr"},
		{nil, []string{"serve", "--data", "DATA", "--addr", "ei osoite:80"}, "--addr"},
		{nil, []string{"serve", "--data", "DATA", "--search-rate", "-3"}, "--search-rate"},
		{[]string{"MALLIHAKU_SEARCH_RATE=-1"}, []string{"serve", "--data", "DATA"}, "--search-rate"},
		{nil, []string{"serve", "--data", "DATA", "--search-burst", "0"}, "--search-burst"},
		{nil, []string{"serve", "--data", "DATA", "--schedule", "joka yö"}, "--schedule"},
		{nil, []string{"serve", "--data", "DATA", "--full-schedule", "61 2 * * 0"}, "--full-schedule"},
		{nil, []string{"serve", "--data", "DATA", "--jitter", "-1m"}, "--jitter"},
		{nil, []string{"serve", "--data", "DATA", "extra"}, "serve takes no arguments"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "innokyla.fi"}, "--site"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "https://innokyla.fi", "--rate", "NaN"}, "--rate"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "https://innokyla.fi", "--rate", "-1"}, "--rate"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "https://innokyla.fi", "--concurrency", "0"}, "--concurrency"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "https://innokyla.fi", "--contact-url", "mailto:x"}, "--contact-url"},
		{nil, []string{"crawl", "--data", "DATA", "--site", "https://innokyla.fi", "--open-timeout", "0s"}, "--open-timeout"},
		{nil, []string{"search", "--data", "DATA", "--size", "0"}, "--size"},
		{nil, []string{"search", "--data", "DATA", "--size", "101"}, "--size"},
		{nil, []string{"search", "--data", "DATA", "--page", "-1"}, "--page"},
		{nil, []string{"search", "--data", "DATA", "--page", "600", "--size", "20"}, "cannot be paged to"},
		{nil, []string{"search", "--data", "DATA", "--sort", "nimi"}, "--sort"},
		{nil, []string{"search", "--data", "DATA", "--region", ""}, "--region is empty"},
		{nil, []string{"search", "--data", "DATA", "päihde", "--region", "Uusimaa"}, "give flags before the words"},
		{nil, []string{"search", "--data", "DATA", "--log-level", "kova"}, "--log-level"},
		{nil, []string{"inspect"}, "inspect takes one URL or file"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = strings.ReplaceAll(a, "DATA", data)
		}
		out, logs, err := runCmd(t, c.env, args...)
		if !errors.Is(err, errUsage) || exitCode(err) != 2 || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q %q: %v (exit %d), want one usage line that says %q", c.env, c.args, err, exitCode(err), c.says)
		}
		if out != "" || strings.Contains(logs, "configuration") {
			t.Errorf("%q: work started before the check: stdout %q, logs %q", c.args, out, logs)
		}
		if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%q: the data folder was created", c.args)
		}
	}
}

func TestSearchRefusesFilterValuesNoModelHas(t *testing.T) {
	data := crawledFolder(t)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--region", "Atlantis"}, `unknown region "Atlantis"`},
		{[]string{"--phase", "Valmistumassa"}, `unknown phase "Valmistumassa"`},
		{[]string{"--topic", "Avaruusmatkailu"}, `unknown topic "Avaruusmatkailu"`},
		{[]string{"--region", "Pirkanmaa", "--region", "Atlantis"}, `unknown region "Atlantis"`},
	} {
		out, _, err := runCmd(t, nil, append([]string{"search", "--data", data}, c.args...)...)
		if !errors.Is(err, errUsage) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.says) || out != "" {
			t.Errorf("search %q: %v, output %q; want one line that says %s", c.args, err, out, c.says)
		}
	}
	// The known values pass whatever their case, and a municipality no model has is no error:
	// the search then finds nothing.
	for args, want := range map[string]string{
		"--region pohjois-karjala muistihoitaja":                "1 models found\n",
		"--phase valmis --region Pohjois-Karjala muistihoitaja": "1 models found\n",
		"--municipality Utsjoki":                                "0 models found\n",
	} {
		out, _, err := runCmd(t, nil, append([]string{"search", "--data", data}, strings.Fields(args)...)...)
		if err != nil || !strings.HasPrefix(out, want) {
			t.Errorf("search %s: %v, output %q; want it to begin %q", args, err, out, want)
		}
	}
}

func TestSearchPagesSortsAndSaysTheCorrectionItApplied(t *testing.T) {
	data := crawledFolder(t)
	out, _, err := runCmd(t, nil, "search", "--data", data, "--size", "5", "--page", "2", "--sort", "title")
	if err != nil || !strings.HasPrefix(out, "42 models found, showing 6-10 (page 2)\n") || !strings.Contains(out, "\n 6. ") ||
		!strings.Contains(out, "\n10. ") || strings.Contains(out, "\n11. ") || strings.Contains(out, "\n 5. ") {
		t.Errorf("page 2 of 5 by title: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "search", "--data", data, "jalkautva")
	if err != nil || !strings.HasPrefix(out, "Haulla ”jalkautva” ei löytynyt mitään. Näytetään tulokset haulle jalkautuva.\n") ||
		strings.Contains(out, "\n0 models found") {
		t.Errorf("misspelled search: %v\n%s", err, out)
	}
}

// copyFolder copies a data folder, so that one copy can be served while the other is searched.
func copyFolder(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := os.Create(filepath.Join(to, rel))
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, src); err != nil {
			dst.Close()
			return err
		}
		return dst.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func TestSearchJSONIsTheAPIsAnswer(t *testing.T) {
	data := crawledFolder(t)
	served := copyFolder(t, data)
	base, _ := serveUntilStopped(t, served)
	for query, args := range map[string][]string{
		"?q=kotihoito&region=Uusimaa&region=Etelä-Savo&size=3&facet_size=2": {"--region", "Uusimaa", "--region", "Etelä-Savo", "--size", "3", "--facet-size", "2", "kotihoito"},
		"?q=jalkautva":                 {"jalkautva"},
		"?sort=modified&page=3&size=4": {"--sort", "modified", "--page", "3", "--size", "4"},
	} {
		var api map[string]any
		getJSON(t, base+"/api/v1/search"+query, &api)
		out, _, err := runCmd(t, nil, append([]string{"search", "--data", data, "--json"}, args...)...)
		var cli map[string]any
		if err != nil || json.Unmarshal([]byte(out), &cli) != nil {
			t.Fatalf("search --json %q: %v\n%s", args, err, out)
		}
		delete(api, "took_ms")
		delete(cli, "took_ms")
		if !reflect.DeepEqual(api, cli) {
			t.Errorf("search --json %q differs from GET /api/v1/search%s:\napi %v\ncli %v", args, query, api, cli)
		}
	}
}
