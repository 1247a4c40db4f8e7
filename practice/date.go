package practice

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date without a time of day. Its zero value means "not given" and is
// written to JSON as null; otherwise as ISO 8601 (2021-11-09).
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time { return d.t }

// Year returns the year, 0 when the date was not given.
func (d Date) Year() int {
	if d.IsZero() {
		return 0
	}
	return d.t.Year()
}

// String returns the date as 2021-11-09, or "" when not given.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Finnish returns the date as Finns write it: 9.11.2021.
func (d Date) Finnish() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", d.t.Day(), d.t.Month(), d.t.Year())
}

// MarshalJSON writes the ISO date, or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads an ISO date or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return fmt.Errorf("date %q: %w", *s, err)
	}
	*d = Date{t}
	return nil
}

// ParseDate reads a date as written on a page: Finnish 09.11.2021 or 6.6.2023 (leading zeros
// optional, surrounding white space and no-break spaces ignored), or ISO 2021-11-09.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return Date{t}, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) == 4 && parts[3] == "" { // "9.11.2021."
		parts = parts[:3]
	}
	if len(parts) != 3 {
		return Date{}, fmt.Errorf("date %q: want d.m.yyyy", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return Date{}, fmt.Errorf("date %q: want d.m.yyyy", s)
		}
		n[i] = v
	}
	day, month, year := n[0], n[1], n[2]
	if year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 {
		return Date{}, fmt.Errorf("date %q: out of range", s)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return Date{}, fmt.Errorf("date %q: no such day", s)
	}
	return Date{t}, nil
}
