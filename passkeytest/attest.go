package passkeytest

import (
	"crypto"
	"crypto/ecdsa"
	"fmt"
)

// attestationFormat is the fmt identifier of each kind.
func (k Attestation) format() string {
	switch k {
	case AttestationPackedSelf, AttestationPacked:
		return "packed"
	case AttestationFIDOU2F:
		return "fido-u2f"
	}
	return "none"
}

// statement signs the attestation statement for kind over
// authData ‖ clientDataHash (#sctn-defined-attestation-formats).
func (a *Authenticator) statement(kind Attestation, alg int64, key crypto.Signer, authData, clientDataHash, credID []byte) (map[string]any, error) {
	msg := append(append([]byte{}, authData...), clientDataHash...)
	switch kind {
	case AttestationNone:
		// #sctn-none-attestation: attStmt is an empty map.
		return map[string]any{}, nil
	case AttestationPackedSelf:
		// #sctn-packed-attestation, self attestation: the credential key
		// signs, and alg is the credential's algorithm.
		sig, err := a.sign(alg, key, msg)
		if err != nil {
			return nil, err
		}
		return map[string]any{"alg": alg, "sig": sig}, nil
	case AttestationPacked:
		sig, err := a.sign(a.ca.packedAlg, a.ca.packedKey, msg)
		if err != nil {
			return nil, err
		}
		x5c := make([][]byte, 0, len(a.ca.packedChain))
		for _, c := range a.ca.packedChain {
			x5c = append(x5c, c.Raw)
		}
		return map[string]any{"alg": a.ca.packedAlg, "sig": sig, "x5c": x5c}, nil
	case AttestationFIDOU2F:
		// #sctn-fido-u2f-attestation: the U2F registration signature over
		// 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ publicKeyU2F,
		// publicKeyU2F being 0x04 ‖ x ‖ y. The rpIdHash is read from the
		// (possibly tampered) authenticator data; the rest is the
		// authenticator's own.
		pub, ok := key.Public().(*ecdsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("passkeytest: fido-u2f needs a P-256 credential key")
		}
		point, err := pub.Bytes()
		if err != nil {
			return nil, err
		}
		rpIDHash := make([]byte, 32)
		copy(rpIDHash, authData)
		u2f := []byte{0x00}
		u2f = append(u2f, rpIDHash...)
		u2f = append(u2f, clientDataHash...)
		u2f = append(u2f, credID...)
		u2f = append(u2f, point...)
		sig, err := a.sign(AlgES256, a.ca.u2fKey, u2f)
		if err != nil {
			return nil, err
		}
		return map[string]any{"sig": sig, "x5c": [][]byte{a.ca.u2fCert.Raw}}, nil
	}
	return nil, fmt.Errorf("passkeytest: unknown attestation kind %d", kind)
}
