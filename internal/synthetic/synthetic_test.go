package synthetic

import (
	"reflect"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

func TestPlacesAgreeWithTheGazetteer(t *testing.T) {
	g := practice.DefaultGazetteer()
	n := 0
	for _, p := range places {
		for _, m := range p.Municipalities {
			n++
			got, ok := g.Lookup(m)
			if !ok || got.Region != p.Region || got.County != p.County || got.Municipality != m {
				t.Errorf("%s: gazetteer says %+v, table says %s / %s", m, got, p.Region, p.County)
			}
		}
	}
	if n != 308 {
		t.Errorf("%d municipalities, want the 308 of 2025", n)
	}
}

func TestModelsAreDeterministicAndDistributedAsDocumented(t *testing.T) {
	a, err := New(7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(7)
	const n = 1500
	regions, phases, ids := map[string]int{}, map[string]int{}, map[string]bool{}
	words := 0
	for range n {
		m, m2 := a.Model(), b.Model()
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("same seed, different models:\n%+v\n%+v", m, m2)
		}
		if ids[m.ID] {
			t.Fatalf("duplicate ID %s", m.ID)
		}
		ids[m.ID] = true
		for _, r := range m.Region {
			regions[r]++
		}
		phases[m.Phase]++
		if m.Title == "" || m.Summary == "" || len(m.Sections) < 4 || len(m.Topics) == 0 || m.Modified.Time().Before(m.Created.Time()) {
			t.Fatalf("incomplete model %+v", m)
		}
		for _, s := range m.Sections {
			words += len(splitWords(s.Text))
		}
		g := practice.DefaultGazetteer()
		for _, c := range m.WellbeingCounty {
			if p, ok := g.Lookup(c); !ok || !contains(m.Region, p.Region) {
				t.Fatalf("county %s outside the model's regions %q", c, m.Region)
			}
		}
	}
	share := func(c int) float64 { return float64(c) / n }
	if s := share(regions["Uusimaa"]); s < 0.18 || s > 0.30 {
		t.Errorf("Uusimaa in %.2f of models", s)
	}
	if share(regions["Pirkanmaa"]) < 0.10 || regions["Pirkanmaa"] < regions["Varsinais-Suomi"] {
		t.Errorf("regions %v", regions)
	}
	if s := share(phases[practice.PhaseReady]); s < 0.50 || s > 0.60 {
		t.Errorf("Valmis in %.2f of models, want about 0.55", s)
	}
	if avg := words / n; avg < 150 || avg > 600 {
		t.Errorf("sections hold %d words on average", avg)
	}
	if got := len(a.Words(50)); got != 50 {
		t.Errorf("Words(50) gave %d", got)
	}
}

func splitWords(s string) []string {
	var out []string
	word := false
	for _, r := range s {
		if r == ' ' || r == '\n' {
			word = false
		} else if !word {
			word = true
			out = append(out, "")
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
