package metadata

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		n        int
		min, max time.Duration
		want     time.Duration
	}{
		{1, 0, 0, time.Minute},
		{2, 0, 0, 2 * time.Minute},
		{7, 0, 0, time.Hour},
		{1000, 0, 0, time.Hour},
		{3, time.Second, 10 * time.Second, 4 * time.Second},
		{5, time.Second, 10 * time.Second, 10 * time.Second},
		{2, time.Minute, time.Second, time.Minute}, // max below min
	}
	for _, tc := range cases {
		if got := backoff(tc.n, tc.min, tc.max); got != tc.want {
			t.Errorf("backoff(%d, %v, %v) = %v, want %v", tc.n, tc.min, tc.max, got, tc.want)
		}
	}
}

// TestNextAttempt: after a success the Fetcher waits Interval, or until the
// BLOB's nextUpdate day if that comes first; after failures, the backoff.
func TestNextAttempt(t *testing.T) {
	last := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	blobDue := func(day string) *BLOB {
		d, _ := time.Parse(dayFormat, day)
		return &BLOB{c: &contents{nextUpdate: d}}
	}
	cases := []struct {
		name     string
		last     time.Time
		failures int
		blob     *BLOB
		interval time.Duration
		want     time.Time
	}{
		{"never tried: now", time.Time{}, 0, nil, 0, time.Time{}},
		{"no BLOB: the interval", last, 0, nil, 0, last.Add(24 * time.Hour)},
		{"nextUpdate after the interval", last, 0, blobDue("2025-06-10"), 0, last.Add(24 * time.Hour)},
		{"nextUpdate before the interval", last, 0, blobDue("2025-06-02"), 0, time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)},
		{"shorter interval", last, 0, blobDue("2025-06-02"), time.Hour, last.Add(time.Hour)},
		{"failures: backoff", last, 3, blobDue("2025-06-10"), 0, last.Add(4 * time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Store{}
			if tc.blob != nil {
				s.cur.Store(tc.blob)
			}
			f := &Fetcher{Store: s, Interval: tc.interval, lastAttempt: tc.last, failures: tc.failures}
			if got := f.nextAttempt(); !got.Equal(tc.want) {
				t.Errorf("nextAttempt = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestOverdueBacksOff: when the server has nothing newer although the BLOB
// in use is due, the next check comes after the backoff, not a whole
// Interval later.
func TestOverdueBacksOff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		nextUpdate string
		want       time.Time
	}{
		{"2025-06-01", now.Add(time.Minute)},
		{"2025-06-10", now.Add(24 * time.Hour)},
	} {
		t.Run(tc.nextUpdate, func(t *testing.T) {
			d, _ := time.Parse(dayFormat, tc.nextUpdate)
			s := &Store{}
			s.cur.Store(&BLOB{c: &contents{no: 1, nextUpdate: d}})
			f := &Fetcher{Store: s, Client: srv.Client(), URL: srv.URL, Now: func() time.Time { return now },
				etag: `"x"`}
			if updated, err := f.Refresh(t.Context()); err != nil || updated {
				t.Fatalf("Refresh = %v, %v", updated, err)
			}
			if got := f.nextAttempt(); !got.Equal(tc.want) {
				t.Errorf("nextAttempt = %v, want %v", got, tc.want)
			}
		})
	}
}
