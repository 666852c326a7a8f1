package memory_test

import (
	"testing"

	"github.com/gopasskey/passkey/store"
	"github.com/gopasskey/passkey/store/memory"
	"github.com/gopasskey/passkey/store/storetest"
)

func TestCredentialsContract(t *testing.T) {
	storetest.TestCredentials(t, func(*testing.T) store.Credentials { return memory.NewCredentials() })
}

func TestSessionsContract(t *testing.T) {
	storetest.TestSessions(t, func(*testing.T) store.Sessions { return memory.NewSessions() })
}

// The contract holds for a store small enough to evict during the suite,
// as long as the suite's sessions fit.
func TestSessionsContractSmall(t *testing.T) {
	storetest.TestSessions(t, func(*testing.T) store.Sessions { return memory.NewSessions(memory.WithMaxSessions(16)) })
}
