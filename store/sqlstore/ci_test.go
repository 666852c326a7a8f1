package sqlstore

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// With CI set and no DSN, the PostgreSQL tests fail rather than skip.
func TestPostgresRequiredInCI(t *testing.T) {
	if os.Getenv(childVar+"_CI") != "" {
		// The child: a PostgreSQL test as CI would run it.
		freshPostgres(t, "")
		return
	}
	out, err := runChild(t, "TestPostgresRequiredInCI", childVar+"_CI=1", "CI=true", postgresDSNVar+"=")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, postgresDSNVar) {
		t.Errorf("with CI set and no %s the PostgreSQL tests did not fail (err %v):\n%s", postgresDSNVar, err, out)
	}
	out, err = runChild(t, "TestPostgresRequiredInCI", childVar+"_CI=1", "CI=", postgresDSNVar+"=")
	if err != nil || !strings.Contains(out, "--- SKIP") {
		t.Errorf("without CI and without %s the PostgreSQL tests did not skip (err %v):\n%s", postgresDSNVar, err, out)
	}
}
