package attestation

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha1" // the hashes of nameAlg and of alg, by crypto.Hash
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/binary"
	"math/big"
	"strconv"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"golang.org/x/crypto/cryptobyte"
)

// Anchors of the tpm format.
const (
	checkTPM         = "sctn-tpm-attestation"
	checkTPMCertReqs = "sctn-tpm-cert-requirements"
)

// tpmX5C is the index of x5c in tpmMembers.
const tpmX5C = 2

// tpmMembers is tpmStmtFormat (#sctn-tpm-attestation). x5c is required by
// the CDDL, but the procedure has a step of its own for it ("verify that x5c
// is present"), which reports its absence.
var tpmMembers = []member{
	{name: "ver", kind: kindText, required: true},
	{name: "alg", kind: kindInt, required: true},
	{name: "x5c", kind: kindBytesArray},
	{name: "sig", kind: kindBytes, required: true},
	{name: "certInfo", kind: kindBytes, required: true},
	{name: "pubArea", kind: kindBytes, required: true},
}

// tpmForbidden: Level 1 allowed ECDAA in place of x5c.
var tpmForbidden = map[string]string{
	"ecdaaKeyId": "attStmt has ecdaaKeyId: ECDAA attestation was removed from WebAuthn and is not supported",
}

type tpmStmt struct {
	Ver      string       `cbor:"ver"`
	Alg      int64        `cbor:"alg"`
	X5C      []cbor.Bytes `cbor:"x5c"`
	Sig      cbor.Bytes   `cbor:"sig"`
	CertInfo cbor.Bytes   `cbor:"certInfo"`
	PubArea  cbor.Bytes   `cbor:"pubArea"`
}

// Constants of TPM 2.0 Part 2 (Structures).
const (
	tpmGeneratedValue  = 0xff544347 // TPM_GENERATED_VALUE, "\xffTCG"
	tpmSTAttestCertify = 0x8017     // TPM_ST_ATTEST_CERTIFY

	tpmAlgRSA    = 0x0001
	tpmAlgSHA1   = 0x0004
	tpmAlgSHA256 = 0x000b
	tpmAlgSHA384 = 0x000c
	tpmAlgSHA512 = 0x000d
	tpmAlgNull   = 0x0010
	tpmAlgECC    = 0x0023

	tpmECCNistP256 = 0x0003
	tpmECCNistP384 = 0x0004
	tpmECCNistP521 = 0x0005

	// tpmRSADefaultExponent is what an exponent of 0 in TPMS_RSA_PARMS means.
	tpmRSADefaultExponent = 65537
)

// verifyTPM runs the tpm format's procedure (#sctn-tpm-attestation), in the
// order of the editor's draft: the key in pubArea, the certificate, the
// signature, then the contents of certInfo. The result is AttCA with x5c as
// the trust path.
//
// sig is verified as the bare signature of alg (DER for an ECDSA AIK), not
// as the TPMT_SIGNATURE the spec names: deployed TPM authenticators, the
// spec's own test vector and the peer libraries all use the bare form.
func verifyTPM(s *statement) (verdict, error) {
	present, err := checkStmt(s.raw, checkTPM, tpmMembers, tpmForbidden)
	if err != nil {
		return verdict{}, err
	}
	var st tpmStmt
	if err := cbor.Unmarshal(s.raw, &st); err != nil {
		// Unreachable after checkStmt; kept so that a decoder change fails closed.
		return verdict{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkTPM, "attStmt cannot be decoded", err)
	}
	if st.Ver != "2.0" {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "attStmt ver is not the TPM version WebAuthn defines",
			"2.0", printable(st.Ver))
	}
	alg := cose.Algorithm(st.Alg)

	// The credential key in pubArea.
	pub, err := parseTPMPublic(st.PubArea)
	if err != nil {
		return verdict{}, err
	}
	if err := pub.matches(s.key); err != nil {
		return verdict{}, err
	}

	// The integrity of certInfo: the AIK certificate, then its signature.
	if !present[tpmX5C] {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "attStmt has no x5c",
			"the AIK certificate and its chain", "nothing")
	}
	certs, err := parseX5C(st.X5C, checkTPM)
	if err != nil {
		return verdict{}, err
	}
	aik := certs[0]
	if err := checkTPMCert(aik, s.tpmAnyVendor); err != nil {
		return verdict{}, err
	}
	if err := checkAAGUIDExtension(aik, s.authData.AttestedCredentialData.AAGUID,
		checkTPM, checkTPM, "the AIK certificate"); err != nil {
		return verdict{}, err
	}
	if err := verifyCertSignature(alg, aik, st.CertInfo, st.Sig, s.allowSHA1, checkTPM); err != nil {
		return verdict{}, err
	}

	// The contents of certInfo.
	info, err := parseTPMAttest(st.CertInfo)
	if err != nil {
		return verdict{}, err
	}
	h := alg.Hash()
	if h == 0 || !h.Available() {
		// EdDSA and ML-DSA sign the message itself and name no hash, so
		// extraData has no defined value under them (no TPM uses them).
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM,
			"attStmt alg has no hash for extraData", "an algorithm with a hash", alg.String())
	}
	d := h.New()
	d.Write(s.signed())
	if !bytes.Equal(info.extraData, d.Sum(nil)) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkTPM,
			"certInfo extraData is not the "+h.String()+" hash of authenticatorData ‖ clientDataHash")
	}
	name, err := pub.name()
	if err != nil {
		return verdict{}, err
	}
	if !bytes.Equal(info.name, name) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkTPM,
			"certInfo attested name is not the Name of pubArea")
	}
	return verdict{typ: TypeAttCA, trustPath: certs}, nil
}

// tpmPublic is the part of a TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4) that
// identifies the key.
type tpmPublic struct {
	raw      []byte
	typ      uint16
	nameAlg  uint16
	exponent uint32 // RSA; 0 means 65537
	modulus  []byte // RSA
	curve    uint16 // ECC
	x, y     []byte // ECC
}

func tpmMalformed(what string) error {
	return errcode.New(errcode.ErrAttestationInvalid, checkTPM, what+" is not a well-formed TPM structure")
}

// parseTPMPublic parses pubArea strictly: every field read, in order, and
// nothing after unique.
func parseTPMPublic(b []byte) (tpmPublic, error) {
	p := tpmPublic{raw: b}
	s := cryptobyte.String(b)
	var attrs uint32
	var authPolicy cryptobyte.String
	if !s.ReadUint16(&p.typ) || !s.ReadUint16(&p.nameAlg) || !s.ReadUint32(&attrs) ||
		!s.ReadUint16LengthPrefixed(&authPolicy) || !readTPMSymDef(&s) {
		return p, tpmMalformed("pubArea")
	}
	switch p.typ {
	case tpmAlgRSA:
		// TPMS_RSA_PARMS then TPM2B_PUBLIC_KEY_RSA.
		var keyBits uint16
		var n cryptobyte.String
		if !readTPMScheme(&s) || !s.ReadUint16(&keyBits) || !s.ReadUint32(&p.exponent) ||
			!s.ReadUint16LengthPrefixed(&n) {
			return p, tpmMalformed("pubArea")
		}
		p.modulus = n
	case tpmAlgECC:
		// TPMS_ECC_PARMS then TPMS_ECC_POINT.
		var x, y cryptobyte.String
		if !readTPMScheme(&s) || !s.ReadUint16(&p.curve) || !readTPMKDF(&s) ||
			!s.ReadUint16LengthPrefixed(&x) || !s.ReadUint16LengthPrefixed(&y) {
			return p, tpmMalformed("pubArea")
		}
		p.x, p.y = x, y
	default:
		return p, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "pubArea type is not RSA or ECC",
			"TPM_ALG_RSA or TPM_ALG_ECC", "0x"+strconv.FormatUint(uint64(p.typ), 16))
	}
	if !s.Empty() {
		return p, errcode.New(errcode.ErrAttestationInvalid, checkTPM, "pubArea has trailing bytes")
	}
	return p, nil
}

// readTPMSymDef skips a TPMT_SYM_DEF_OBJECT: TPM_ALG_NULL, or a block
// cipher with its key size and mode.
func readTPMSymDef(s *cryptobyte.String) bool {
	var alg uint16
	if !s.ReadUint16(&alg) {
		return false
	}
	switch alg {
	case tpmAlgNull:
		return true
	case 0x0006, 0x0013, 0x0026: // AES, SM4, CAMELLIA
		var keyBits, mode uint16
		return s.ReadUint16(&keyBits) && s.ReadUint16(&mode)
	}
	return false
}

// readTPMScheme skips a TPMT_RSA_SCHEME or TPMT_ECC_SCHEME, whose details
// depend on the scheme.
func readTPMScheme(s *cryptobyte.String) bool {
	var scheme, hash, count uint16
	if !s.ReadUint16(&scheme) {
		return false
	}
	switch scheme {
	case tpmAlgNull, 0x0015: // TPM_ALG_NULL, RSAES: no details
		return true
	case 0x0014, 0x0016, 0x0017, 0x0018, 0x0019, 0x001b, 0x001c, 0x001d:
		// RSASSA, RSAPSS, OAEP, ECDSA, ECDH, SM2, ECSCHNORR, ECMQV: a hash.
		return s.ReadUint16(&hash)
	case 0x001a: // ECDAA: a hash and a count
		return s.ReadUint16(&hash) && s.ReadUint16(&count)
	}
	return false
}

// readTPMKDF skips a TPMT_KDF_SCHEME.
func readTPMKDF(s *cryptobyte.String) bool {
	var scheme, hash uint16
	if !s.ReadUint16(&scheme) {
		return false
	}
	switch scheme {
	case tpmAlgNull:
		return true
	case 0x0007, 0x0020, 0x0021, 0x0022: // MGF1, KDF1_SP800_56A, KDF2, KDF1_SP800_108
		return s.ReadUint16(&hash)
	}
	return false
}

// matches checks that pubArea holds the credential key
// (#sctn-tpm-attestation, second step).
func (p *tpmPublic) matches(key *cose.Key) error {
	mismatch := func(detail string) error {
		return errcode.New(errcode.ErrAttestationInvalid, checkTPM, "pubArea does not hold the credential key: "+detail)
	}
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		if p.typ != tpmAlgRSA {
			return mismatch("the credential key is RSA, pubArea is not")
		}
		e := uint64(p.exponent)
		if e == 0 {
			e = tpmRSADefaultExponent
		}
		if e != uint64(k.E) {
			return mismatch("the RSA exponents differ")
		}
		if new(big.Int).SetBytes(p.modulus).Cmp(k.N) != 0 {
			return mismatch("the RSA moduli differ")
		}
		return nil
	case *ecdsa.PublicKey:
		if p.typ != tpmAlgECC {
			return mismatch("the credential key is EC, pubArea is not")
		}
		if tpmCurve(p.curve) != k.Curve {
			return mismatch("the curves differ")
		}
		point, err := k.Bytes()
		if err != nil {
			return mismatch("the credential key has no uncompressed encoding")
		}
		size := (len(point) - 1) / 2
		if !equalPadded(p.x, point[1:1+size]) || !equalPadded(p.y, point[1+size:]) {
			return mismatch("the EC points differ")
		}
		return nil
	}
	return mismatch("a TPM holds only RSA and EC keys; the credential key is " + key.Algorithm().String())
}

// equalPadded compares a TPM coordinate with a fixed-width one: the TPM
// may drop leading zero bytes, never add bytes.
func equalPadded(tpm, fixed []byte) bool {
	if len(tpm) > len(fixed) {
		return false
	}
	pad := len(fixed) - len(tpm)
	for _, b := range fixed[:pad] {
		if b != 0 {
			return false
		}
	}
	return bytes.Equal(tpm, fixed[pad:])
}

func tpmCurve(id uint16) elliptic.Curve {
	switch id {
	case tpmECCNistP256:
		return elliptic.P256()
	case tpmECCNistP384:
		return elliptic.P384()
	case tpmECCNistP521:
		return elliptic.P521()
	}
	return nil
}

// name computes the Name of pubArea (TPM 2.0 Part 1, 16): nameAlg, then
// the nameAlg digest of the TPMT_PUBLIC bytes.
func (p *tpmPublic) name() ([]byte, error) {
	var h crypto.Hash
	switch p.nameAlg {
	case tpmAlgSHA1:
		h = crypto.SHA1
	case tpmAlgSHA256:
		h = crypto.SHA256
	case tpmAlgSHA384:
		h = crypto.SHA384
	case tpmAlgSHA512:
		h = crypto.SHA512
	default:
		return nil, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "pubArea nameAlg is not a hash the library computes",
			"SHA-1, SHA-256, SHA-384 or SHA-512", "0x"+strconv.FormatUint(uint64(p.nameAlg), 16))
	}
	d := h.New()
	d.Write(p.raw)
	return d.Sum(binary.BigEndian.AppendUint16(nil, p.nameAlg)), nil
}

// tpmAttest is the part of a TPMS_ATTEST (TPM 2.0 Part 2, 10.12.8) that the
// procedure checks.
type tpmAttest struct {
	extraData []byte
	name      []byte // attested.certify.name
}

// parseTPMAttest parses certInfo strictly and checks magic and type.
// qualifiedSigner, clockInfo, firmwareVersion and qualifiedName are read
// and ignored, as the spec says.
func parseTPMAttest(b []byte) (tpmAttest, error) {
	var a tpmAttest
	s := cryptobyte.String(b)
	var magic uint32
	var typ uint16
	if !s.ReadUint32(&magic) || !s.ReadUint16(&typ) {
		return a, tpmMalformed("certInfo")
	}
	if magic != tpmGeneratedValue {
		return a, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "certInfo magic is not TPM_GENERATED_VALUE",
			"0xff544347", "0x"+strconv.FormatUint(uint64(magic), 16))
	}
	if typ != tpmSTAttestCertify {
		return a, errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPM, "certInfo type is not TPM_ST_ATTEST_CERTIFY",
			"0x8017", "0x"+strconv.FormatUint(uint64(typ), 16))
	}
	var signer, extra, name, qualifiedName cryptobyte.String
	var clock, firmware uint64
	var resetCount, restartCount uint32
	var safe uint8
	if !s.ReadUint16LengthPrefixed(&signer) || !s.ReadUint16LengthPrefixed(&extra) ||
		!s.ReadUint64(&clock) || !s.ReadUint32(&resetCount) || !s.ReadUint32(&restartCount) || !s.ReadUint8(&safe) ||
		!s.ReadUint64(&firmware) ||
		!s.ReadUint16LengthPrefixed(&name) || !s.ReadUint16LengthPrefixed(&qualifiedName) {
		return a, tpmMalformed("certInfo")
	}
	if !s.Empty() {
		return a, errcode.New(errcode.ErrAttestationInvalid, checkTPM, "certInfo has trailing bytes")
	}
	a.extraData, a.name = extra, name
	return a, nil
}
