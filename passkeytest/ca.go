package passkeytest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"time"
)

// oidFIDOGenCEAAGUID is id-fido-gen-ce-aaguid (#sctn-packed-attestation-cert-requirements).
var oidFIDOGenCEAAGUID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 45724, 1, 1, 4}

// testCA is the authenticator's attestation PKI, derived from its seed.
type testCA struct {
	root        *x509.Certificate
	packedChain []*x509.Certificate // leaf first, as x5c
	packedKey   crypto.Signer
	packedAlg   int64
	u2fCert     *x509.Certificate
	u2fKey      crypto.Signer
}

// deterministicSigner hides the random source x509.CreateCertificate passes
// on: ECDSA keys then sign per RFC 6979, and the certificates repeat byte
// for byte for a given seed.
type deterministicSigner struct{ crypto.Signer }

func (s deterministicSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.Signer.Sign(nil, digest, opts)
}

func (a *Authenticator) serial(label string) *big.Int {
	b := a.derive(16, "serial %s", label)
	b[0] = b[0]&0x7f | 0x40 // positive, and a full 16 bytes long
	return new(big.Int).SetBytes(b)
}

func (a *Authenticator) newTestCA() (*testCA, error) {
	notBefore, notAfter := a.cfg.CertNotBefore, a.cfg.CertNotAfter
	if notBefore.IsZero() {
		notBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if notAfter.IsZero() {
		notAfter = time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC)
	}
	create := func(tmpl, parent *x509.Certificate, pub any, signer crypto.Signer) (*x509.Certificate, error) {
		tmpl.NotBefore, tmpl.NotAfter = notBefore, notAfter
		der, err := x509.CreateCertificate(nil, tmpl, parent, pub, deterministicSigner{signer})
		if err != nil {
			return nil, fmt.Errorf("passkeytest: test CA: %w", err)
		}
		return x509.ParseCertificate(der)
	}

	rootKey, err := a.ecKey(algSpecs[AlgES256].curve, "ca root")
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber: a.serial("root"),
		Subject: pkix.Name{CommonName: "passkeytest Root CA (TEST ONLY)", Organization: []string{"passkeytest"},
			OrganizationalUnit: []string{"Authenticator Attestation CA"}, Country: []string{"AA"}},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	root, err := create(rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	ca := &testCA{root: root}

	issuer, issuerKey := root, crypto.Signer(rootKey)
	var intermediate *x509.Certificate
	if a.cfg.Intermediate {
		interKey, err := a.ecKey(algSpecs[AlgES256].curve, "ca intermediate")
		if err != nil {
			return nil, err
		}
		intermediate, err = create(&x509.Certificate{
			SerialNumber: a.serial("intermediate"),
			Subject: pkix.Name{CommonName: "passkeytest Intermediate CA (TEST ONLY)", Organization: []string{"passkeytest"},
				OrganizationalUnit: []string{"Authenticator Attestation CA"}, Country: []string{"AA"}},
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
			MaxPathLenZero:        true,
		}, root, interKey.Public(), rootKey)
		if err != nil {
			return nil, err
		}
		issuer, issuerKey = intermediate, interKey
	}

	// The packed attestation certificate meets
	// #sctn-packed-attestation-cert-requirements: v3; subject C, O,
	// OU "Authenticator Attestation", CN; basicConstraints CA=false; the
	// AAGUID extension (non-critical OCTET STRING wrapping the AAGUID).
	ca.packedAlg = a.cfg.AttestationAlgorithm
	if ca.packedAlg == 0 {
		ca.packedAlg = AlgES256
	}
	switch algSpecs[ca.packedAlg].kind {
	case kindEC, kindEd25519:
		ca.packedKey, err = a.newKey(ca.packedAlg, "attestation", 0)
	case kindRSAPKCS1, kindRSAPSS:
		ca.packedKey, err = parseRSAKey("rsa2048-attestation.TEST-ONLY.pem")
	default:
		return nil, fmt.Errorf("passkeytest: Config.AttestationAlgorithm %d cannot sign an X.509 attestation certificate here", ca.packedAlg)
	}
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: a.serial("packed"),
		Subject: pkix.Name{CommonName: "passkeytest Attestation", Organization: []string{"passkeytest"},
			OrganizationalUnit: []string{"Authenticator Attestation"}, Country: []string{"AA"}},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	if !a.cfg.NoAAGUIDExtension {
		value, err := asn1.Marshal(a.cfg.AAGUID[:])
		if err != nil {
			return nil, err
		}
		leafTmpl.ExtraExtensions = []pkix.Extension{{Id: oidFIDOGenCEAAGUID, Value: value}}
	}
	leaf, err := create(leafTmpl, issuer, ca.packedKey.Public(), issuerKey)
	if err != nil {
		return nil, err
	}
	ca.packedChain = []*x509.Certificate{leaf}
	if intermediate != nil {
		ca.packedChain = append(ca.packedChain, intermediate)
	}

	// fido-u2f wants exactly one certificate with a P-256 key
	// (#sctn-fido-u2f-attestation); U2F certificates carry no FIDO
	// extensions.
	u2fKey, err := a.ecKey(algSpecs[AlgES256].curve, "attestation u2f")
	if err != nil {
		return nil, err
	}
	ca.u2fKey = u2fKey
	ca.u2fCert, err = create(&x509.Certificate{
		SerialNumber: a.serial("u2f"),
		Subject:      pkix.Name{CommonName: "passkeytest U2F Attestation", Organization: []string{"passkeytest"}},
	}, root, u2fKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	return ca, nil
}
