package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// signIn is what the server remembers about a signed-in browser.
type signIn struct {
	Handle       []byte
	CredentialID []byte    // the passkey used, marked on the account page
	UserVerified bool      // the login's UV flag
	Synced       bool      // the passkey is backup eligible
	AuthTime     time.Time // when the login happened
	Mediation    string    // "conditional" (autofill) or "modal"
	expires      time.Time
}

// webSessions are the signed-in sessions: a random token in an HttpOnly
// cookie, and here only SHA-256 of it, so a dump of this map signs nobody
// in. They live in memory: a restart signs everybody out, which an
// example can afford (a deployment keeps them where its other state is).
type webSessions struct {
	mu    sync.Mutex
	byKey map[[32]byte]signIn
	ttl   time.Duration
	now   func() time.Time
}

func newWebSessions(ttl time.Duration, now func() time.Time) *webSessions {
	return &webSessions{byKey: map[[32]byte]signIn{}, ttl: ttl, now: now}
}

// create starts a session and returns its token for the cookie.
func (w *webSessions) create(s signIn) string {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand aborts the program instead)
	s.expires = w.now().Add(w.ttl)
	w.mu.Lock()
	w.byKey[sha256.Sum256(raw[:])] = s
	w.mu.Unlock()
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// get returns the live session of token.
func (w *webSessions) get(token string) (signIn, bool) {
	key, ok := sessionKey(token)
	if !ok {
		return signIn{}, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s, ok := w.byKey[key]
	if !ok {
		return signIn{}, false
	}
	if !w.now().Before(s.expires) {
		delete(w.byKey, key)
		return signIn{}, false
	}
	return s, true
}

// remove ends the session of token.
func (w *webSessions) remove(token string) {
	if key, ok := sessionKey(token); ok {
		w.mu.Lock()
		delete(w.byKey, key)
		w.mu.Unlock()
	}
}

// sweep drops expired sessions.
func (w *webSessions) sweep() {
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, s := range w.byKey {
		if !now.Before(s.expires) {
			delete(w.byKey, k)
		}
	}
}

func sessionKey(token string) ([32]byte, bool) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != 32 {
		return [32]byte{}, false
	}
	return sha256.Sum256(raw), true
}
