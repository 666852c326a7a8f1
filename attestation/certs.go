package attestation

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"strconv"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxX5C is the longest x5c accepted: a leaf and up to four CA certificates.
// No deployed authenticator sends more than three, and every certificate
// costs a parse and, later, a signature check.
const maxX5C = 5

// Certificate extensions of the FIDO and WebAuthn certificate profiles.
var (
	// oidFIDOGenCEAAGUID is id-fido-gen-ce-aaguid: the authenticator model
	// (#sctn-packed-attestation-cert-requirements).
	oidFIDOGenCEAAGUID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 45724, 1, 1, 4}
	// oidFIDOGenCEFWVersion is id-fido-gen-ce-fw-version: the firmware
	// version, an INTEGER.
	oidFIDOGenCEFWVersion = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 45724, 1, 1, 5}
)

// Subject attributes of #sctn-packed-attestation-cert-requirements.
var (
	oidCountry            = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization       = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrganizationalUnit = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCommonName         = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// packedOU is the literal Subject-OU of a packed attestation certificate.
const packedOU = "Authenticator Attestation"

// maxCertRSABits bounds the RSA modulus of every certificate in x5c, as
// package cose bounds credential keys. Every certificate's key verifies a
// signature (the statement's, or the certificate before it in the path),
// and a body of 64 KiB has room for a modulus of some 170,000 bits, whose
// verification takes seconds.
const maxCertRSABits = 8192

// Above certRSALargeBits a certificate's RSA exponent may be at most
// certRSALargeExponent, as package cose bounds credential keys: a public RSA
// operation costs about modulus² × exponent bits, and fifteen certificates
// of 8192 bits with exponent 2^31-1 in one compound statement cost some
// 120 ms. 65537 is what attestation CAs use.
const (
	certRSALargeBits     = 4096
	certRSALargeExponent = 65537
)

// checkCertRSA applies the size and cost bounds to the RSA key of x5c[i].
func checkCertRSA(k *rsa.PublicKey, check string, i int) error {
	which := "x5c[" + strconv.Itoa(i) + "]"
	bits := k.N.BitLen()
	if bits > maxCertRSABits {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			which+" has an RSA key larger than the library verifies",
			"at most "+strconv.Itoa(maxCertRSABits)+" bits", strconv.Itoa(bits)+" bits")
	}
	if bits > certRSALargeBits && k.E > certRSALargeExponent {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			which+" has an RSA key whose exponent is too large for its size",
			"an exponent of at most "+strconv.Itoa(certRSALargeExponent)+" above "+strconv.Itoa(certRSALargeBits)+" bits",
			"exponent "+strconv.Itoa(k.E)+" with "+strconv.Itoa(bits)+" bits")
	}
	return nil
}

// parseX5C parses x5c, leaf first, as the statement check requires: 1 to
// maxX5C certificates, each one DER certificate with an RSA key, if RSA, of
// at most maxCertRSABits. Whether they chain, and to what, is the trust
// step's question.
func parseX5C(x5c []cbor.Bytes, check string) ([]*x509.Certificate, error) {
	if len(x5c) == 0 {
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "x5c is empty",
			"at least the attestation certificate", "no certificate")
	}
	if len(x5c) > maxX5C {
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, check, "x5c holds too many certificates",
			"1 to "+strconv.Itoa(maxX5C), strconv.Itoa(len(x5c)))
	}
	certs := make([]*x509.Certificate, len(x5c))
	for i, der := range x5c {
		c, err := parseCertificate(der)
		if err != nil {
			return nil, errcode.Wrap(errcode.ErrAttestationInvalid, check,
				"x5c["+strconv.Itoa(i)+"] is not a valid X.509 certificate", err)
		}
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok {
			if err := checkCertRSA(k, check, i); err != nil {
				return nil, err
			}
		}
		certs[i] = c
	}
	// A path never names one subject twice. Refusing it here keeps chain
	// building linear: crypto/x509 would otherwise try every ordering of
	// same-named CAs, up to 100 signature checks per statement.
	for i := range certs {
		for j := i + 1; j < len(certs); j++ {
			if bytes.Equal(certs[i].RawSubject, certs[j].RawSubject) {
				return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, check,
					"x5c names one subject twice", "distinct subjects",
					"x5c["+strconv.Itoa(i)+"] and x5c["+strconv.Itoa(j)+"]")
			}
		}
	}
	return certs, nil
}

// requireV3 checks the certificate's version: both the packed and the TPM
// profiles demand X.509 v3, and Go parses v1 and v2 certificates too.
func requireV3(c *x509.Certificate, check, which string) error {
	if c.Version != 3 {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check, which+" is not an X.509 v3 certificate",
			"3", strconv.Itoa(c.Version))
	}
	return nil
}

// requireNotCA checks for a basicConstraints extension with CA false: an
// attestation certificate must not be able to issue others. An absent
// extension is refused too, because the profiles require it present.
func requireNotCA(c *x509.Certificate, check, which string) error {
	if !c.BasicConstraintsValid {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check, which+" has no basicConstraints extension",
			"basicConstraints with CA false", "no basicConstraints")
	}
	if c.IsCA {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check, which+" is a CA certificate",
			"CA false", "CA true")
	}
	return nil
}

// aaguidExtension returns the AAGUID carried by id-fido-gen-ce-aaguid, if
// the certificate has that extension. Its extnValue must be a DER OCTET
// STRING of exactly 16 bytes and the extension must not be critical; a
// violation is reported at check (the format's certificate requirements).
// The caller compares the AAGUID with authenticator data, a step of its own.
func aaguidExtension(c *x509.Certificate, check, which string) (aaguid credential.AAGUID, present bool, err error) {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidFIDOGenCEAAGUID) {
			continue
		}
		if e.Critical {
			return aaguid, true, errcode.Mismatch(errcode.ErrAttestationInvalid, check,
				which+" marks id-fido-gen-ce-aaguid critical", "non-critical", "critical")
		}
		in := cryptobyte.String(e.Value)
		var inner cryptobyte.String
		if !in.ReadASN1(&inner, cbasn1.OCTET_STRING) || !in.Empty() || len(inner) != len(aaguid) {
			return aaguid, true, errcode.Mismatch(errcode.ErrAttestationInvalid, check,
				which+" has a malformed id-fido-gen-ce-aaguid extension",
				"an OCTET STRING of 16 bytes", "another encoding")
		}
		copy(aaguid[:], inner)
		return aaguid, true, nil
	}
	return aaguid, false, nil
}

// checkAAGUIDExtension applies the two steps about id-fido-gen-ce-aaguid:
// its encoding (a certificate requirement, reported at reqCheck) and, if it
// is present, its equality with the AAGUID of authenticator data (a step of
// the format's procedure, reported at check).
func checkAAGUIDExtension(c *x509.Certificate, want credential.AAGUID, reqCheck, check, which string) error {
	got, present, err := aaguidExtension(c, reqCheck, which)
	if err != nil || !present {
		return err
	}
	if got != want {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			which+"'s id-fido-gen-ce-aaguid differs from the AAGUID in authenticator data",
			want.String(), got.String())
	}
	return nil
}

// checkFWVersionExtension checks id-fido-gen-ce-fw-version, if present: a
// non-critical extension holding a non-negative DER INTEGER
// (#sctn-packed-attestation-cert-requirements).
func checkFWVersionExtension(c *x509.Certificate, check, which string) error {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidFIDOGenCEFWVersion) {
			continue
		}
		if e.Critical {
			return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
				which+" marks id-fido-gen-ce-fw-version critical", "non-critical", "critical")
		}
		in := cryptobyte.String(e.Value)
		v := new(big.Int)
		if !in.ReadASN1Integer(v) || !in.Empty() || v.Sign() < 0 {
			return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
				which+" has a malformed id-fido-gen-ce-fw-version extension",
				"a non-negative INTEGER", "another encoding")
		}
	}
	return nil
}

// checkPackedSubject checks the Subject of a packed attestation
// certificate (#sctn-packed-attestation-cert-requirements): exactly one
// each of C (two letters), O (non-empty), OU ("Authenticator Attestation")
// and CN (any value).
//
// C is checked for its shape only: the spec's own test vectors use the
// user-assigned code AA, and a list of assigned codes would go stale. Its
// case is not checked either, since X.520 compares countryName ignoring
// case.
func checkPackedSubject(c *x509.Certificate, check string) error {
	// Each attribute's count and its first value: exactly one is allowed,
	// so the others need not be kept.
	var attrs [4]struct {
		n     int
		value string
	}
	const country, org, ou, cn = 0, 1, 2, 3
	for _, atv := range c.Subject.Names {
		i := -1
		switch {
		case atv.Type.Equal(oidCountry):
			i = country
		case atv.Type.Equal(oidOrganization):
			i = org
		case atv.Type.Equal(oidOrganizationalUnit):
			i = ou
		case atv.Type.Equal(oidCommonName):
			i = cn
		}
		if i < 0 {
			continue
		}
		if attrs[i].n == 0 {
			attrs[i].value, _ = atv.Value.(string) // Go's parser yields strings for every type it accepts
		}
		attrs[i].n++
	}
	switch {
	case attrs[country].n != 1:
		return subjectCount(check, "C", attrs[country].n)
	case !isCountryCode(attrs[country].value):
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"the attestation certificate's Subject-C is not an ISO 3166 alpha-2 code",
			"two letters", printable(attrs[country].value))
	case attrs[org].n != 1:
		return subjectCount(check, "O", attrs[org].n)
	case attrs[org].value == "":
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"the attestation certificate's Subject-O is empty", "the vendor's name", "")
	case attrs[ou].n != 1:
		return subjectCount(check, "OU", attrs[ou].n)
	case attrs[ou].value != packedOU:
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"the attestation certificate's Subject-OU is not the literal the spec requires",
			packedOU, printable(attrs[ou].value))
	case attrs[cn].n != 1:
		return subjectCount(check, "CN", attrs[cn].n)
	}
	return nil
}

func subjectCount(check, attr string, n int) error {
	return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
		"the attestation certificate's Subject must hold exactly one "+attr,
		"one "+attr, strconv.Itoa(n))
}

func isCountryCode(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// verifyCertSignature checks sig over msg with the certificate's key and
// alg. The algorithm must fit the key (an ES256 statement from an RSA
// certificate is refused, not tried), and RS1 needs the allowSHA1 policy.
func verifyCertSignature(alg cose.Algorithm, c *x509.Certificate, msg, sig []byte, allowSHA1 bool, check string) error {
	err := cose.VerifySignature(alg, c.PublicKey, msg, sig, cose.VerifyOptions{AllowSHA1: allowSHA1})
	switch {
	case err == nil:
		return nil
	case alg == cose.RS1 && !allowSHA1:
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"attStmt alg is RS1 (SHA-1), which is refused unless the AllowSHA1 policy is set", "another algorithm", alg.String())
	case errors.Is(err, cose.ErrUnsupportedAlgorithm):
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"attStmt alg is not an algorithm the library verifies for attestation", "a supported algorithm", alg.String())
	case errors.Is(err, cose.ErrKeyMismatch):
		return errcode.Mismatch(errcode.ErrAttestationInvalid, check,
			"attStmt alg does not fit the attestation certificate's key", alg.String()+" key", certKeyType(c))
	default:
		return errcode.Wrap(errcode.ErrAttestationInvalid, check,
			"attStmt sig does not verify with the attestation certificate's key", err)
	}
}

// certKeyType names a certificate's key type for an error message.
func certKeyType(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "EC key on " + k.Curve.Params().Name
	case nil:
		// crypto/x509 leaves keys it does not know (Ed448, ML-DSA) unparsed.
		return "key of a type crypto/x509 does not parse"
	}
	return c.PublicKeyAlgorithm.String() + " key"
}

// parseCertificate is x509.ParseCertificate, except that it tolerates a
// negative serial number, which crypto/x509 refuses since Go 1.23 and which
// some TPM vendors' intermediate CAs carry (RFC 5280 asks CAs not to issue
// them, and asks relying parties to handle them gracefully). The certificate
// is parsed from a copy whose serial is made positive, and then given back
// its own bytes: Raw, RawTBSCertificate and the serial are the original
// ones, so every signature over it is checked against what was signed.
func parseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	patched, tbs, serial, ok := positiveSerial(der)
	if !ok {
		return nil, err
	}
	c, err2 := x509.ParseCertificate(patched)
	if err2 != nil {
		return nil, err
	}
	c.Raw = der
	c.RawTBSCertificate = tbs
	c.SerialNumber = serial
	return c, nil
}

// positiveSerial returns der with a negative serial number replaced by a
// positive one, the original TBSCertificate bytes and the original serial.
func positiveSerial(der []byte) (patched, tbs []byte, serial *big.Int, ok bool) {
	in := cryptobyte.String(der)
	var cert, tbsContent cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, nil, nil, false
	}
	var rawTBS cryptobyte.String
	if !cert.ReadASN1Element(&rawTBS, cbasn1.SEQUENCE) {
		return nil, nil, nil, false
	}
	tbsContent = rawTBS
	if !tbsContent.ReadASN1(&tbsContent, cbasn1.SEQUENCE) {
		return nil, nil, nil, false
	}
	var version cryptobyte.String
	var hasVersion bool
	if !tbsContent.ReadOptionalASN1(&version, &hasVersion, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, nil, nil, false
	}
	var serialBytes cryptobyte.String
	if !tbsContent.ReadASN1(&serialBytes, cbasn1.INTEGER) || len(serialBytes) == 0 || serialBytes[0]&0x80 == 0 {
		return nil, nil, nil, false
	}
	// Two's complement to a big.Int, for the caller.
	n := new(big.Int).SetBytes(serialBytes)
	n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(serialBytes))))

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if hasVersion {
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddBytes(version)
				})
			}
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) {
				b.AddUint8(0)
				b.AddBytes(serialBytes)
			})
			b.AddBytes(tbsContent)
		})
		b.AddBytes(cert)
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, nil, nil, false
	}
	return out, rawTBS, n, true
}
