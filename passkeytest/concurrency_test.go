package passkeytest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/gopasskey/passkey/passkeytest"
)

// TestConcurrentUse registers and signs in from many goroutines (run with
// -race); every response verifies and the counters stay consistent.
func TestConcurrentUse(t *testing.T) {
	a := newAuthenticator(t, passkeytest.Config{})
	const workers, logins = 8, 5
	type result struct {
		challenge []byte
		reg       []byte
		logins    [][]byte
		err       error
	}
	results := make([]result, workers)
	createJSON := make([][]byte, workers)
	for w := range workers {
		results[w].challenge = fmt.Appendf(nil, "c%d", w)
		createJSON[w] = newCreateOpts(testRPID, results[w].challenge, passkeytest.AlgES256).json(t)
	}
	// The goroutines only collect bytes: the checks (which may call
	// t.Fatal) run on the test goroutine afterwards.
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := &results[w]
			if r.reg, r.err = a.Create(createJSON[w], testOrigin); r.err != nil {
				return
			}
			var reg struct {
				RawID string `json:"rawId"`
			}
			if r.err = json.Unmarshal(r.reg, &reg); r.err != nil {
				return
			}
			id, err := base64.RawURLEncoding.DecodeString(reg.RawID)
			if err != nil {
				r.err = err
				return
			}
			for range logins {
				opts, err := json.Marshal(newGetOpts(testRPID, r.challenge, id))
				if err != nil {
					r.err = err
					return
				}
				body, err := a.Get(opts, testOrigin)
				if err != nil {
					r.err = err
					return
				}
				r.logins = append(r.logins, body)
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		want := expectation{rpID: testRPID, origin: testOrigin, challenge: r.challenge}
		reg := decodeRegistration(t, r.reg, want)
		for i, body := range r.logins {
			as := decodeAssertion(t, body, want)
			if string(b64(t, as.json.RawID)) != string(reg.ad.credID) {
				t.Fatal("a worker signed in with another worker's credential")
			}
			if err := as.verify(reg.key); err != nil {
				t.Fatal(err)
			}
			if as.ad.count != uint32(i+1) {
				t.Fatalf("counter %d, want %d", as.ad.count, i+1)
			}
		}
	}
	if creds := a.Credentials(); len(creds) != workers {
		t.Fatalf("%d credentials, want %d", len(creds), workers)
	}
}
