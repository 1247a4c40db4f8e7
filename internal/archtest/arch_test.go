package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/mallihaku/mallihaku/"

// pkg is one package of the module as `go list` sees it, names relative to the module.
type pkg struct {
	Name    string
	Imports []string // of ours, direct
	Deps    []string // of ours, direct and indirect
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	ours := func(paths []string) []string {
		var rel []string
		for _, p := range paths {
			if r, ok := strings.CutPrefix(p, module); ok {
				rel = append(rel, r)
			}
		}
		slices.Sort(rel)
		return rel
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		pkgs[name] = pkg{Name: name, Imports: ours(p.Imports), Deps: ours(p.Deps)}
	}
	if _, ok := pkgs["cmd/mallihaku"]; !ok {
		t.Fatalf("go list did not list cmd/mallihaku: %v", pkgs)
	}
	return pkgs
}

// production tells whether a package is part of what mallihaku runs: not a tool, not a test
// helper, not internal tooling.
func production(name string) bool {
	return !strings.HasPrefix(name, "internal/") && !strings.Contains(name, "/internal/") &&
		!strings.HasSuffix(name, "test") && !strings.HasSuffix(name, "-bench")
}

func TestNoProductionPackageImportsBenchmarkTools(t *testing.T) {
	for _, p := range listPackages(t) {
		if !production(p.Name) {
			continue
		}
		for _, d := range p.Deps {
			if !production(d) {
				t.Errorf("%s depends on %s, a tool or test package", p.Name, d)
			}
		}
	}
}

func TestTheHouseRulesHold(t *testing.T) {
	pkgs := listPackages(t)
	for name, allowed := range map[string][]string{
		"indexer": {"finnish", "practice"},
		"store":   {},
		"busy":    {},
	} {
		for _, imp := range pkgs[name].Imports {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s; of ours it may import only %q", name, imp, allowed)
			}
		}
	}
	for _, forbidden := range []string{"store", "indexer"} {
		if slices.Contains(pkgs["web"].Imports, forbidden) {
			t.Errorf("web imports %s; it speaks to the index through search and to jobs through reindex's types", forbidden)
		}
	}
}

// tableRow is a row of a table in docs/architecture.md that names a package in its first
// cell.
var tableRow = regexp.MustCompile("(?m)^\\| `([a-z0-9/-]+)` \\|.*$")

var quoted = regexp.MustCompile("`([a-z0-9/-]+)`")

func TestArchitectureDocumentNamesEveryPackageAndItsImports(t *testing.T) {
	b, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := listPackages(t)
	documented := map[string]bool{}
	for _, m := range tableRow.FindAllStringSubmatch(string(b), -1) {
		name := m[1]
		documented[name] = true
		p, ok := pkgs[name]
		if !ok {
			t.Errorf("docs/architecture.md names %s, which go list does not know", name)
			continue
		}
		if !production(name) {
			continue
		}
		cells := strings.Split(m[0], "|") // "", package, what it is, imports, ""
		if len(cells) != 5 {
			t.Errorf("docs/architecture.md: the row of %s has %d cells, want 3: %s", name, len(cells)-2, m[0])
			continue
		}
		var says []string
		for _, q := range quoted.FindAllStringSubmatch(cells[3], -1) {
			says = append(says, q[1])
		}
		slices.Sort(says)
		if !slices.Equal(says, p.Imports) {
			t.Errorf("docs/architecture.md says %s imports %q; go list says %q", name, says, p.Imports)
		}
	}
	for name := range pkgs {
		if !documented[name] && name != "internal/archtest" {
			t.Errorf("package %s is missing from docs/architecture.md (one sentence: what it is, and its imports)", name)
		}
	}
}
