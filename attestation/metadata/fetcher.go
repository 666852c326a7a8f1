package metadata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Fetcher keeps a [Store] up to date from the FIDO Metadata Service: it
// downloads the BLOB with the caller's HTTP client, sends If-None-Match
// with the last ETag, verifies what it gets, and hands newer BLOBs to the
// Store. With CacheDir it keeps the last good BLOB on disk, so a restart
// without network still has metadata.
//
// Nothing runs on its own: call [Fetcher.Refresh] once at start-up, then
// run [Fetcher.Run] in a goroutine of your own until your context ends.
// When a refresh fails, the last good BLOB stays in use.
//
// Set the fields before the first call and do not change them afterwards.
type Fetcher struct {
	// Store receives every verified BLOB newer than the one it holds.
	// Required.
	Store *Store
	// Client makes the requests. Required: give it a timeout.
	Client *http.Client
	// URL of the BLOB; "" means ProductionURL.
	URL string
	// CacheDir, when set, is a directory the Fetcher owns: it stores the
	// last good BLOB, its ETag and the fetched CRLs there, and loads them
	// on the first Refresh.
	CacheDir string
	// Options verify each BLOB. Options.Now is ignored: the Fetcher's
	// clock is used.
	Options VerifyOptions
	// FetchCRLs downloads, before each verification, the CRL of every
	// certificate of the BLOB's x5c from its CRL distribution points (http
	// and https only) with Client, and adds them to Options.CRLs. A CRL
	// that cannot be downloaded falls back to the copy in CacheDir.
	FetchCRLs bool
	// Interval is the longest wait between two successful checks; the
	// Fetcher also checks on the BLOB's nextUpdate day. Zero means 24h.
	Interval time.Duration
	// MinRetry and MaxRetry bound the wait after a failed attempt: it
	// starts at MinRetry and doubles up to MaxRetry. Zero means 1 minute
	// and 1 hour.
	MinRetry, MaxRetry time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OnUpdate, when set, is called after a newer BLOB is put in the
	// Store: the place to re-check stored credentials with
	// [BLOB.Status]. It runs on the refreshing goroutine.
	OnUpdate func(*BLOB)
	// OnError, when set, receives the error of each failed attempt made
	// by Run.
	OnError func(error)

	mu          sync.Mutex
	etag        string // of the last BLOB loaded or confirmed
	cacheTried  bool
	lastAttempt time.Time
	failures    int // consecutive failed (or overdue) attempts
}

// maxCRLSize bounds a downloaded CRL.
const maxCRLSize = 16 << 20

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Fetcher) url() string {
	if f.URL == "" {
		return ProductionURL
	}
	return f.URL
}

func (f *Fetcher) check() error {
	switch {
	case f.Store == nil:
		return errors.New("metadata: Fetcher.Store is nil: set the Store that look-ups use")
	case f.Client == nil:
		return errors.New("metadata: Fetcher.Client is nil: pass an *http.Client with a timeout")
	}
	return nil
}

// Refresh makes one attempt: on the first call it loads the disk cache,
// then it asks the server for a BLOB newer than the one in the Store. It
// reports whether the Store now holds a newer BLOB. A BLOB whose serial
// number is not newer is ignored (no error when equal; ErrRollback when
// lower). On error the Store keeps its BLOB.
func (f *Fetcher) Refresh(ctx context.Context) (updated bool, err error) {
	if err := f.check(); err != nil {
		return false, err
	}
	var loaded []*BLOB
	defer func() {
		// Callbacks run after the lock is released, so that they may call
		// back into the Fetcher.
		if f.OnUpdate != nil {
			for _, b := range loaded {
				f.OnUpdate(b)
			}
		}
	}()
	f.mu.Lock()
	defer f.mu.Unlock()

	var cacheErr error
	if !f.cacheTried && f.CacheDir != "" {
		f.cacheTried = true
		var b *BLOB
		if b, cacheErr = f.loadCache(ctx); b != nil {
			loaded = append(loaded, b)
		}
	}

	now := f.now()
	f.lastAttempt = now
	b, err := f.fetch(ctx, now)
	if err != nil {
		f.failures++
		if cacheErr != nil {
			err = errors.Join(err, fmt.Errorf("metadata: cache: %w", cacheErr))
		}
		return len(loaded) > 0, err
	}
	if b != nil {
		loaded = append(loaded, b)
	}
	f.failures = 0
	// The server has nothing newer although the BLOB in use is due: try
	// again with backoff rather than waiting a whole Interval.
	if cur := f.Store.Current(); cur != nil && !now.Before(cur.NextUpdate()) {
		f.failures++
	}
	return len(loaded) > 0, nil
}

// fetch downloads and verifies the BLOB; it returns the BLOB if it was
// newer and put in the Store, nil if nothing changed.
func (f *Fetcher) fetch(ctx context.Context, now time.Time) (*BLOB, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url(), nil)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	// The ETag is only ever learnt with a BLOB that went into the Store
	// (or was already there), so a 304 means the Store is current.
	cur := f.Store.Current()
	if f.etag != "" {
		req.Header.Set("If-None-Match", f.etag)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metadata: fetching the BLOB: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, nil
	case http.StatusOK:
	default:
		return nil, fmt.Errorf("metadata: fetching the BLOB: HTTP %s", resp.Status)
	}
	limit := f.Options.maxSize()
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("metadata: reading the BLOB: %w", err)
	}
	b, err := f.verify(ctx, data, now)
	if err != nil {
		return nil, err
	}
	etag := resp.Header.Get("ETag")
	if err := f.Store.Update(b); err != nil {
		if errors.Is(err, ErrRollback) && cur != nil && b.No() == cur.No() {
			// The same BLOB again (the server ignored If-None-Match, or it
			// came from the cache): remember its ETag for next time.
			f.etag = etag
			return nil, nil
		}
		return nil, err
	}
	f.etag = etag
	if f.CacheDir != "" {
		if err := f.saveCache(data, etag); err != nil {
			// The BLOB is in use; only the next cold start loses it.
			return b, nil
		}
	}
	return b, nil
}

// verify checks data with the Fetcher's options at now, adding the
// downloaded CRLs when FetchCRLs is set.
func (f *Fetcher) verify(ctx context.Context, data []byte, now time.Time) (*BLOB, error) {
	opts := f.Options
	opts.Now = now
	var fetchErr error
	if f.FetchCRLs {
		var crls = opts.CRLs[:len(opts.CRLs):len(opts.CRLs)]
		fetched, err := f.crlsFor(ctx, data, now)
		opts.CRLs = append(crls, fetched...)
		fetchErr = err
	}
	b, err := Verify(data, opts)
	if err != nil && fetchErr != nil && errors.Is(err, ErrCRLMissing) {
		err = errors.Join(err, fetchErr)
	}
	return b, err
}

// Run refreshes until ctx ends, and then returns ctx.Err(). It checks
// Interval after the last successful check, on the BLOB's nextUpdate day
// if that comes first, and after a failure with a backoff from MinRetry
// to MaxRetry. Errors go to OnError; the Store keeps its last good BLOB.
// Run starts no goroutine: call it in one of yours.
func (f *Fetcher) Run(ctx context.Context) error {
	if err := f.check(); err != nil {
		return err
	}
	for {
		f.mu.Lock()
		at := f.nextAttempt()
		f.mu.Unlock()
		if wait := at.Sub(f.now()); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := f.Refresh(ctx); err != nil && f.OnError != nil && ctx.Err() == nil {
			f.OnError(err)
		}
	}
}

// nextAttempt is when Run should try next; zero means now. Call with mu
// held.
func (f *Fetcher) nextAttempt() time.Time {
	if f.lastAttempt.IsZero() {
		return time.Time{}
	}
	if f.failures > 0 {
		return f.lastAttempt.Add(backoff(f.failures, f.MinRetry, f.MaxRetry))
	}
	interval := f.Interval
	if interval <= 0 {
		interval = 24 * time.Hour
	}
	next := f.lastAttempt.Add(interval)
	if cur := f.Store.Current(); cur != nil {
		if due := cur.NextUpdate(); due.After(f.lastAttempt) && due.Before(next) {
			next = due
		}
	}
	return next
}

// backoff is lo·2^(n−1), at most hi (defaults 1 minute and 1 hour).
func backoff(n int, lo, hi time.Duration) time.Duration {
	if lo <= 0 {
		lo = time.Minute
	}
	if hi <= 0 {
		hi = time.Hour
	}
	if hi < lo {
		hi = lo
	}
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}
