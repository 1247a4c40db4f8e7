package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
	"github.com/mallihaku/mallihaku/web"
)

// storedProgrammes are the programmes the crawler keeps in the store, for the web layer.
type storedProgrammes struct{ st *store.Store }

func (s storedProgrammes) Programmes(ctx context.Context) ([]practice.Programme, error) {
	var out []practice.Programme
	err := s.st.Programmes(func(id string, doc []byte) error {
		var p practice.Programme
		if err := json.Unmarshal(doc, &p); err != nil {
			return fmt.Errorf("programme %s: %w", id, err)
		}
		out = append(out, p)
		return ctx.Err()
	})
	return out, err
}

func (s storedProgrammes) Programme(_ context.Context, id string) (practice.Programme, error) {
	var p practice.Programme
	doc, err := s.st.Programme(id)
	if err != nil {
		return p, err
	}
	if doc == nil {
		return p, web.ErrNoProgramme
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		return p, fmt.Errorf("programme %s: %w", id, err)
	}
	return p, nil
}
