package storetest_test

import (
	"testing"

	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
	"github.com/gopasskey/passkey/store/storetest"
)

// A store's own tests hand the suite a constructor of empty stores. (The
// example has no output: the suite needs the *testing.T of a real test.)
func Example() {
	_ = func(t *testing.T) { // func TestMyStore(t *testing.T) in a _test.go file
		t.Run("credentials", func(t *testing.T) {
			storetest.TestCredentials(t, func(*testing.T) store.Credentials { return memory.NewCredentials() })
		})
		t.Run("sessions", func(t *testing.T) {
			storetest.TestSessions(t, func(*testing.T) store.Sessions { return memory.NewSessions() })
		})
	}
}
