package credential

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// AppendBinary appends the authenticator data that a's fields describe to b.
// For a value from [ParseAuthenticatorData] the result equals Raw byte for
// byte; Raw itself is not read. It is meant for tests, fuzzing and software
// authenticators.
//
// It refuses a value that cannot be serialised without losing fields: an
// RPIDHash that is not 32 bytes; with AT set, a credential ID of 0 or more
// than 1023 bytes or an empty public key; with AT clear, any attested
// credential data; and extensions present exactly when ED is set. The CBOR of
// the key and the extensions is copied as it is, unchecked, so a test can
// build malformed input.
func (a *AuthenticatorData) AppendBinary(b []byte) ([]byte, error) {
	if len(a.RPIDHash) != rpIDHashLen {
		return b, fmt.Errorf("credential: RPIDHash is %d bytes, not %d", len(a.RPIDHash), rpIDHashLen)
	}
	acd := &a.AttestedCredentialData
	if a.Flags.HasAttestedCredentialData() {
		if len(acd.CredentialID) == 0 || len(acd.CredentialID) > MaxCredentialIDLen {
			return b, fmt.Errorf("credential: the credential ID is %d bytes, not 1 to %d", len(acd.CredentialID), MaxCredentialIDLen)
		}
		if len(acd.PublicKey) == 0 {
			return b, errors.New("credential: the AT flag is set but there is no public key")
		}
	} else if !acd.AAGUID.IsZero() || len(acd.CredentialID) != 0 || len(acd.PublicKey) != 0 {
		return b, errors.New("credential: attested credential data is present but the AT flag is clear")
	}
	if a.Flags.HasExtensions() != (len(a.Extensions) != 0) {
		return b, errors.New("credential: extensions must be present exactly when the ED flag is set")
	}
	b = append(b, a.RPIDHash...)
	b = append(b, byte(a.Flags))
	b = binary.BigEndian.AppendUint32(b, a.SignCount)
	if a.Flags.HasAttestedCredentialData() {
		b = append(b, acd.AAGUID[:]...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(acd.CredentialID)))
		b = append(b, acd.CredentialID...)
		b = append(b, acd.PublicKey...)
	}
	return append(b, a.Extensions...), nil
}

// MarshalBinary returns the authenticator data that a's fields describe; see
// [AuthenticatorData.AppendBinary].
//
// There is deliberately no UnmarshalBinary: that interface requires copying
// the input, and [ParseAuthenticatorData] promises not to.
func (a *AuthenticatorData) MarshalBinary() ([]byte, error) {
	size := MinAuthenticatorDataLen + len(a.Extensions)
	if a.Flags.HasAttestedCredentialData() {
		size += aaguidLen + credIDLenLen + len(a.AttestedCredentialData.CredentialID) + len(a.AttestedCredentialData.PublicKey)
	}
	b, err := a.AppendBinary(make([]byte, 0, size))
	if err != nil {
		return nil, err
	}
	return b, nil
}
