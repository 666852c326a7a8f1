package main

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// logBuffer collects the server's log records for assertions: what the
// SERVER said, as opposed to what the browser showed.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines that contain every one of parts.
func (b *logBuffer) lines(parts ...string) []string {
	var out []string
	for l := range strings.SplitSeq(b.String(), "\n") {
		ok := l != ""
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// testServer is the example server on a loopback port, with a memory
// store and its log captured.
type testServer struct {
	url  string // http://127.0.0.1:PORT, for plain HTTP clients
	port string
	app  *app
	logs *logBuffer
	srv  *httptest.Server
}

// startServer starts the server for RP ID rpID. origins builds the
// accepted origins from the port (nil: http://localhost:PORT, what -addr
// 127.0.0.1:PORT means).
func startServer(t *testing.T, rpID string, origins func(port string) []string) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s := &settings{rpID: rpID, rpName: "Passkey example (test)"}
	if origins != nil {
		s.origins = origins(port)
	} else {
		s.defaultOrigins(port)
	}
	st, err := openStorage(t.Context(), dbSpec{kind: "memory"})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	var w io.Writer = logs
	if testing.Verbose() {
		w = io.MultiWriter(logs, testLogWriter{t})
	}
	a, err := newApp(s, st, slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(a.handler())
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() && !testing.Verbose() {
			t.Logf("server log (%s):\n%s", rpID, logs.String())
		}
	})
	return &testServer{url: srv.URL, port: port, app: a, logs: logs, srv: srv}
}

// testLogWriter sends the server log to t.Log under -v.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
