package metadata

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"
)

// checkRevocation checks each certificate of a verified chain (leaf first,
// root last) against a CRL of its issuer, the next certificate up. The root
// is the trust anchor and has no issuer to ask.
//
// A CRL counts for a certificate when it names the issuer, carries the
// issuer's valid signature, and is current at now (thisUpdate ≤ now ≤
// nextUpdate). A certificate on any counting CRL is revoked; a certificate
// with no counting CRL fails with ErrCRLMissing unless allowMissing.
func checkRevocation(chain []*x509.Certificate, crls []*x509.RevocationList, allowMissing bool, now time.Time) error {
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		found := false
		for _, crl := range crls {
			if crl == nil || !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
				continue
			}
			if now.Before(crl.ThisUpdate) || (!crl.NextUpdate.IsZero() && now.After(crl.NextUpdate)) {
				continue
			}
			if crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			found = true
			for _, rc := range crl.RevokedCertificateEntries {
				if rc.SerialNumber != nil && rc.SerialNumber.Cmp(cert.SerialNumber) == 0 {
					return fmt.Errorf("%w: %q (serial %s) revoked on %s by %q", ErrRevoked,
						cert.Subject.CommonName, cert.SerialNumber, rc.RevocationTime.UTC().Format(time.DateOnly),
						issuer.Subject.CommonName)
				}
			}
		}
		if !found && !allowMissing {
			return fmt.Errorf("%w: none from %q is current and signed by it (for %q)", ErrCRLMissing,
				issuer.Subject.CommonName, cert.Subject.CommonName)
		}
	}
	return nil
}
