package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "server:", err)
		stop()
		os.Exit(1)
	}
}

// run parses args, opens the store, listens and serves until ctx ends.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	s, err := parseSettings(args, stderr)
	if err != nil {
		return err
	}
	spec, err := parseDB(s.db)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s.defaultOrigins(port)

	st, err := openStorage(ctx, spec)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	a, err := newApp(s, st, log)
	if err != nil {
		return err
	}

	srv := &http.Server{
		Handler:           a.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go sweepEvery(ctx, time.Minute, a.sweep)

	where := spec.kind
	if spec.dsn != "" && spec.kind == "sqlite" {
		where += " " + spec.dsn
	} else if spec.dsn != "" {
		where += " " + redactDSN(spec.dsn)
	}
	log.Info("listening", "addr", ln.Addr().String(), "rp_id", s.rpID, "origins", s.origins, "store", where)
	fmt.Fprintf(stderr, "\n  open %s/ in a browser\n\n", s.origins[0])

	errc := make(chan error, 1)
	go func() {
		if s.tlsCert != "" {
			errc <- srv.ServeTLS(ln, s.tlsCert, s.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// sweepEvery calls f every interval until ctx ends.
func sweepEvery(ctx context.Context, interval time.Duration, f func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f(ctx)
		}
	}
}
