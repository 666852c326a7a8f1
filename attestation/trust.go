package attestation

import (
	"crypto/x509"
	"encoding/asn1"
	"time"

	"github.com/gopasskey/passkey/errcode"
)

// oidSubjectAltName is the SAN extension. A TPM AIK certificate carries it
// critical with a directoryName that crypto/x509 does not handle; the tpm
// format's procedure checks it, so chain building may skip it.
var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// assessTrust is #reg-ceremony-assess-trust. With anchors, the statement
// must carry a certificate path that verifies to one of them at now; without,
// a path is still checked for internal consistency: each certificate valid at
// now and signed by the next one.
func assessTrust(v verdict, anchors *x509.CertPool, now time.Time) error {
	const check = "reg-ceremony-assess-trust"
	if anchors != nil {
		if len(v.trustPath) == 0 {
			return errcode.Mismatch(errcode.ErrAttestationTypeNotAllowed, check,
				"a trusted attestation is required", "a certificate path", string(v.typ))
		}
		return verifyToAnchors(v.trustPath, anchors, now)
	}
	for i, c := range v.trustPath {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			return errcode.Mismatch(errcode.ErrAttestationUntrusted, check,
				"an attestation certificate is not valid at the verification time",
				c.NotBefore.UTC().Format(time.RFC3339)+" to "+c.NotAfter.UTC().Format(time.RFC3339),
				now.UTC().Format(time.RFC3339))
		}
		if i+1 < len(v.trustPath) {
			if err := c.CheckSignatureFrom(v.trustPath[i+1]); err != nil {
				return errcode.Wrap(errcode.ErrAttestationUntrusted, check,
					"an attestation certificate is not signed by the next one in x5c", err)
			}
		}
	}
	return nil
}

// verifyToAnchors builds a chain from path[0] through path[1:] to anchors.
func verifyToAnchors(path []*x509.Certificate, anchors *x509.CertPool, now time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range path[1:] {
		inter.AddCert(withoutSAN(c))
	}
	_, err := withoutSAN(path[0]).Verify(x509.VerifyOptions{
		Roots:         anchors,
		Intermediates: inter,
		CurrentTime:   now,
		// Attestation certificates carry no TLS usages; the default would
		// demand serverAuth.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return errcode.Wrap(errcode.ErrAttestationUntrusted, "reg-ceremony-assess-trust",
			"the attestation certificate path does not verify to a trust anchor", err)
	}
	return nil
}

// withoutSAN returns c, or a shallow copy of it that no longer lists a
// critical SAN among the extensions crypto/x509 did not handle.
func withoutSAN(c *x509.Certificate) *x509.Certificate {
	for i, oid := range c.UnhandledCriticalExtensions {
		if oid.Equal(oidSubjectAltName) {
			cp := *c
			cp.UnhandledCriticalExtensions = append(append([]asn1.ObjectIdentifier(nil),
				c.UnhandledCriticalExtensions[:i]...), c.UnhandledCriticalExtensions[i+1:]...)
			return &cp
		}
	}
	return c
}
