package credential

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// AAGUID is the authenticator model identifier of attested credential data
// (#aaguid). It is attested only when an attestation statement was verified:
// with "none" attestation an authenticator may still send a real one, and
// U2F authenticators send all zeros.
type AAGUID [16]byte

// aaguidDashes are the offsets of the dashes in the 36-character form.
var aaguidDashes = [4]int{8, 13, 18, 23}

// String returns the lower-case dashed UUID form,
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as FIDO metadata uses.
func (a AAGUID) String() string {
	var buf [36]byte
	hex.Encode(buf[0:8], a[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], a[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], a[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], a[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:36], a[10:16])
	return string(buf[:])
}

// IsZero reports whether a is all zeros (no model information).
func (a AAGUID) IsZero() bool { return a == AAGUID{} }

// errAAGUIDSyntax is the cause of every ParseAAGUID failure.
var errAAGUIDSyntax = errors.New("credential: an AAGUID is 36 characters, 8-4-4-4-12 hexadecimal digits separated by dashes")

// ParseAAGUID parses the dashed UUID form that [AAGUID.String] returns.
// Hexadecimal digits may be upper or lower case; no other form is accepted.
func ParseAAGUID(s string) (AAGUID, error) {
	var a AAGUID
	if len(s) != 36 {
		return AAGUID{}, fmt.Errorf("%w (got %d characters)", errAAGUIDSyntax, len(s))
	}
	var digits [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if i == aaguidDashes[0] || i == aaguidDashes[1] || i == aaguidDashes[2] || i == aaguidDashes[3] {
			if s[i] != '-' {
				return AAGUID{}, errAAGUIDSyntax
			}
			continue
		}
		digits[n] = s[i]
		n++
	}
	// hex.Decode rejects a dash or any other non-digit left in the digits.
	if _, err := hex.Decode(a[:], digits[:]); err != nil {
		return AAGUID{}, errAAGUIDSyntax
	}
	return a, nil
}

// MarshalText returns the dashed UUID form.
func (a AAGUID) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses the dashed UUID form, as [ParseAAGUID] does.
func (a *AAGUID) UnmarshalText(text []byte) error {
	v, err := ParseAAGUID(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
