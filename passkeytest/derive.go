package passkeytest

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// hkdfMax is the longest output one HKDF-SHA-256 expansion may give (RFC 5869).
const hkdfMax = 255 * sha256.Size

// derive returns n bytes bound to the authenticator's seed and a label. Every
// value the authenticator would otherwise draw at random (keys, credential
// IDs, PRF secrets, certificate serials, PSS salts) comes from here, so the
// same seed and the same sequence of calls give the same bytes.
func (a *Authenticator) derive(n int, label string, args ...any) []byte {
	info := "passkeytest v1 " + fmt.Sprintf(label, args...)
	out := make([]byte, 0, n)
	// Long outputs (a credential ID may be up to 65535 bytes) are built from
	// blocks with their own info, each within HKDF's limit.
	for block := 0; len(out) < n; block++ {
		want := min(n-len(out), hkdfMax)
		blockInfo := info
		if block > 0 {
			blockInfo = fmt.Sprintf("%s #%d", info, block)
		}
		b, err := hkdf.Key(sha256.New, a.seed, nil, blockInfo, want)
		if err != nil {
			// Unreachable: want never exceeds hkdfMax.
			panic("passkeytest: derive: " + err.Error())
		}
		out = append(out, b...)
	}
	return out
}
