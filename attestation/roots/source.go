package roots

import "crypto/x509"

// Source returns the shipped roots as a trust source for
// attestation.Expect.TrustSource.
func Source() TrustSource { return TrustSource{} }

// TrustSource gives each statement format the roots this package ships for
// it. It satisfies attestation.TrustSource. It holds no state: every call
// builds a new pool.
type TrustSource struct{}

// TrustAnchors returns [Apple], [AndroidKey], [SafetyNet] or [TPM] for the
// formats apple, android-key, android-safetynet and tpm, and nil for any
// other format: packed and fido-u2f roots are per vendor, and none and self
// attestation carry no path. The AAGUID and the path do not narrow the
// choice; the format's procedure has already bound the statement to its
// vendor (the nonce extension, the key description, the SafetyNet host
// name, the TPM AIK certificate profile).
func (TrustSource) TrustAnchors(format string, _ [16]byte, _ []*x509.Certificate) (*x509.CertPool, error) {
	switch format {
	case "apple":
		return Apple(), nil
	case "android-key":
		return AndroidKey(), nil
	case "android-safetynet":
		return SafetyNet(), nil
	case "tpm":
		return TPM(), nil
	}
	return nil, nil
}
