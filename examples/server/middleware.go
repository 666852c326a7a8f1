package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// requestNote is filled in by handlers and read by the request log: the
// error code a request ended with.
type requestNote struct{ code string }

type noteKey struct{}

// noteCode records the error code of the request for its log line.
func noteCode(ctx context.Context, code string) {
	if n, ok := ctx.Value(noteKey{}).(*requestNote); ok {
		n.code = code
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one slog record per request: method, path (never the
// query), status, duration, and the error code if it failed.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		note := &requestNote{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), noteKey{}, note)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("dur", time.Since(start)),
		}
		level := slog.LevelInfo
		if note.code != "" {
			attrs = append(attrs, slog.String("code", note.code))
			if sw.status >= 500 {
				level = slog.LevelError
			}
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// securityHeaders sets the headers every answer carries. The pages load
// only their own scripts and styles (no inline code), cannot be framed,
// and send no referrer elsewhere.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Only the page's own origin may call WebAuthn: no iframe of
		// another site gets it through this document.
		h.Set("Permissions-Policy", "publickey-credentials-get=(self), publickey-credentials-create=(self)")
		next.ServeHTTP(w, r)
	})
}
