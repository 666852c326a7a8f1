package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopasskey/passkey/passkeytest"
)

// serveVar, when set, makes the test binary run the server itself (the
// program's run function, flags taken from the variable, one per line)
// instead of the tests: the test below starts it as a separate process so
// that it can kill it.
const serveVar = "PASSKEY_EXAMPLE_SERVE_ARGS"

// TestServeChild is the server process of TestDurableAcrossSIGKILL; it
// does nothing in a normal test run.
func TestServeChild(t *testing.T) {
	args := os.Getenv(serveVar)
	if args == "" {
		t.Skip("only run as the server process of TestDurableAcrossSIGKILL")
	}
	if err := run(context.Background(), strings.Split(args, "\n"), os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// listenLine is the server's start-up log record with its address.
var listenLine = regexp.MustCompile(`msg=listening addr=127\.0\.0\.1:(\d+)`)

// startServerProcess starts the server on db, on a free loopback port, and
// returns the process and its port once it accepts connections.
func startServerProcess(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), serveVar+"=-addr\n127.0.0.1:0\n-db\n"+db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A no-op after the test's own SIGKILL and Wait.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	portc := make(chan string, 1)
	var logged strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			if !found {
				logged.WriteString(sc.Text() + "\n")
				if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
					found = true
					portc <- m[1]
				}
			}
		}
		if !found {
			close(portc)
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case port, ok := <-portc:
		if !ok {
			t.Fatalf("the server exited before listening:\n%s", logged.String())
		}
		return cmd, port
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start within 60 s")
	}
	return nil, ""
}

// A passkey registered through the API is there after the server process
// is killed with SIGKILL (no shutdown, no Close, no checkpoint) and started
// again on the same SQLite file: a registration that answered 200 was
// committed to disk.
func TestDurableAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server as a separate process twice")
	}
	db := filepath.Join(t.TempDir(), "passkey.db")
	auth, err := passkeytest.New(passkeytest.Config{Seed: []byte(t.Name())})
	if err != nil {
		t.Fatal(err)
	}

	cmd, port := startServerProcess(t, db)
	first := &user{t: t, auth: auth, origin: "http://localhost:" + port,
		c: newAPIClient(t, &testServer{url: "http://127.0.0.1:" + port, port: port})}
	st, body := first.register("ada")
	mustStatus(t, "registration", st, body, http.StatusOK)
	if n := len(auth.Credentials()); n != 1 {
		t.Fatalf("the authenticator holds %d credentials, want 1", n)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the server did not die of SIGKILL: %v", err)
	}
	if _, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
		t.Fatal("something still listens on the killed server's port")
	}

	_, port = startServerProcess(t, db)
	// A new browser (no cookies) on the new port: only the stored
	// credential and account can let it in.
	second := &user{t: t, auth: auth, origin: "http://localhost:" + port,
		c: newAPIClient(t, &testServer{url: "http://127.0.0.1:" + port, port: port})}
	st, body = second.login("ada")
	mustStatus(t, "login after SIGKILL and restart", st, body, http.StatusOK)
	if me := second.me(); me.Username != "ada" || len(me.Passkeys) != 1 {
		t.Errorf("signed in as %q with %d passkeys, want ada with 1", me.Username, len(me.Passkeys))
	}
	// The usernameless path finds the credential too.
	third := &user{t: t, auth: auth, origin: second.origin,
		c: newAPIClient(t, &testServer{url: "http://127.0.0.1:" + port, port: port})}
	st, body = third.login("")
	mustStatus(t, "usernameless login after restart", st, body, http.StatusOK)
}
