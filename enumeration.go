package passkey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// Decoy credentials for [ForUnknownUser]. They imitate what real accounts
// hold: one to three credentials, with the ID lengths and transports of the
// common passkey providers and security keys. An attacker sees the same
// decoys for a name every time, as for a real account's credentials.
var (
	decoyIDLengths  = [...]int{16, 20, 32, 32, 48, 64}
	decoyTransports = [...][]string{
		{"hybrid", "internal"},
		{"hybrid", "internal"},
		{"internal"},
		{"usb"},
		{"nfc", "usb"},
	}
)

// decoyStream is HMAC-SHA-256 in counter mode, keyed by the RP's
// enumeration key and bound to the name: deterministic bytes that nobody
// without the key can tell from random.
type decoyStream struct {
	key, label, name []byte
	counter          uint32
	buf              []byte
}

func (s *decoyStream) read(n int) []byte {
	for len(s.buf) < n {
		m := hmac.New(sha256.New, s.key)
		m.Write(s.label)
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], s.counter)
		m.Write(c[:])
		m.Write(s.name)
		s.buf = m.Sum(s.buf)
		s.counter++
	}
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out
}

// The domains of the decoy streams: one for user names without an account,
// one for accounts without a credential.
const (
	decoyForName   = "passkey decoy credentials for a name v1\x00"
	decoyForHandle = "passkey decoy credentials for a handle v1\x00"
)

// decoyCredentials returns the decoy allowCredentials for name in the
// domain label.
func (rp *RelyingParty) decoyCredentials(label string, name []byte) []CredentialDescriptor {
	s := &decoyStream{key: rp.enumKey, label: []byte(label), name: name}
	h := s.read(1)
	n := 1 + int(h[0])%3
	out := make([]CredentialDescriptor, n)
	for i := range out {
		pick := s.read(2)
		idLen := decoyIDLengths[int(pick[0])%len(decoyIDLengths)]
		out[i] = CredentialDescriptor{
			ID:         append([]byte(nil), s.read(idLen)...),
			Transports: append([]string(nil), decoyTransports[int(pick[1])%len(decoyTransports)]...),
		}
	}
	return out
}

// decoyHandle is a user handle derived like the decoys; looking it up makes
// an unknown user's Begin touch the store as a real one's does.
func (rp *RelyingParty) decoyHandle(name string) []byte {
	m := hmac.New(sha256.New, rp.enumKey)
	m.Write([]byte("passkey decoy user handle v1\x00"))
	m.Write([]byte(name))
	return m.Sum(nil)
}
