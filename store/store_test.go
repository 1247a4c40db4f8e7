package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestPageStateAndCachedBodySurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	p := Page{URL: "https://innokyla.fi/fi/toimintamalli/a", ETag: `W/"1"`, Status: 200, ContentHash: "h"}
	if err := s.PutPage(p, []byte("<html>Innokylä</html>")); err != nil {
		t.Fatal(err)
	}
	if id, err := s.PutRecord("jobs", 0, []byte(`{"state":"done"}`)); err != nil || id != 1 {
		t.Fatalf("PutRecord = %d, %v; want the list's first number, 1", id, err)
	}
	s.Close()

	s, err = Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.Page(p.URL)
	if err != nil || !ok || got.ETag != p.ETag {
		t.Fatalf("Page = %+v, %v, %v", got, ok, err)
	}
	body, err := s.Body(p.URL)
	if err != nil || string(body) != "<html>Innokylä</html>" {
		t.Fatalf("Body = %q, %v", body, err)
	}
	var records []string
	err = s.Records("jobs", 10, func(id uint64, v []byte) error {
		records = append(records, fmt.Sprintf("%d %s", id, v))
		return nil
	})
	if err != nil || len(records) != 1 || records[0] != `1 {"state":"done"}` {
		t.Fatalf("Records = %q, %v", records, err)
	}
}

func TestSecondOpenerFailsQuicklyWithAClearError(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
}

func TestRobotsCopySurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Robots("https://innokyla.fi"); ok || err != nil {
		t.Fatalf("Robots of a new store = %v, %v; want none", ok, err)
	}
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	want := Robots{Site: "https://innokyla.fi", Status: 200, Body: "User-agent: *\nDisallow: /admin/\n", FetchedAt: at}
	if err := s.PutRobots(want); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRobots(Robots{Site: "http://127.0.0.1:8080", Status: 404, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.Robots("https://innokyla.fi")
	if err != nil || !ok || got.Body != want.Body || got.Status != 200 || !got.FetchedAt.Equal(at) {
		t.Fatalf("Robots = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	// Robots copies are not pages.
	n := 0
	s.Pages(func(Page) error { n++; return nil })
	if n != 0 {
		t.Errorf("Pages gave %d pages, want none", n)
	}
}

func TestMarksSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if on, _ := s.Mark("x"); on {
		t.Fatal("unset mark reads as set")
	}
	s.SetMark("x", true)
	s.Close()
	s, _ = Open(dir, time.Second)
	defer s.Close()
	if on, _ := s.Mark("x"); !on {
		t.Fatal("mark lost on reopen")
	}
	s.SetMark("x", false)
	if on, _ := s.Mark("x"); on {
		t.Fatal("cleared mark still set")
	}
}

func TestProgrammesAreKeptApartFromPagesAndSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sote-keskus", "lape"} {
		if err := s.PutProgramme(id, []byte(`{"id":"`+id+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteProgramme("lape"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, time.Second); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	if err := s.Programmes(func(id string, doc []byte) error { ids = append(ids, id+" "+string(doc)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != `sote-keskus {"id":"sote-keskus"}` {
		t.Errorf("programmes after reopen = %q, want only sote-keskus", ids)
	}
	pages := 0
	if err := s.Pages(func(Page) error { pages++; return nil }); err != nil || pages != 0 {
		t.Errorf("pages = %d, %v; a programme is not a page", pages, err)
	}
	if doc, err := s.Programme("lape"); err != nil || doc != nil {
		t.Errorf("deleted programme = %q, %v", doc, err)
	}
}

func TestRecordsComeNewestFirstAndCannotOverwriteTheStoresOwnData(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, v := range []string{"a", "b", "c"} {
		if _, err := s.PutRecord("jobs", 0, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutRecord("jobs", 2, []byte("B")); err != nil {
		t.Fatal(err)
	}
	var got []string
	s.Records("jobs", 2, func(_ uint64, v []byte) error { got = append(got, string(v)); return nil })
	if fmt.Sprint(got) != "[c B]" {
		t.Errorf("the two newest records: %v, want [c B]", got)
	}
	if _, err := s.PutRecord("pages", 0, []byte("x")); err == nil {
		t.Errorf("a record list named pages was accepted; it would overwrite the crawl state")
	}
}
