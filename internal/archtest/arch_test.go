package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
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
		return rel
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		pkgs[name] = pkg{Name: name, Imports: ours(p.Imports), Deps: ours(p.Deps)}
	}
	return pkgs
}

// production tells whether a package is part of what mallihaku runs: not a tool, not a test
// helper, not internal tooling.
func production(name string) bool {
	return !strings.HasPrefix(name, "internal/") && !strings.Contains(name, "/internal/") &&
		!strings.HasSuffix(name, "test") && name != "cmd/mallihaku-bench"
}

func TestNoProductionPackageImportsBenchmarkTools(t *testing.T) {
	pkgs := listPackages(t)
	if _, ok := pkgs["cmd/mallihaku"]; !ok {
		t.Fatalf("go list did not list cmd/mallihaku: %v", pkgs)
	}
	for _, p := range pkgs {
		if !production(p.Name) {
			continue
		}
		for _, tool := range []string{"internal/benchq", "internal/synthetic"} {
			if slices.Contains(p.Deps, tool) {
				t.Errorf("%s depends on %s, a benchmark package", p.Name, tool)
			}
		}
	}
}
