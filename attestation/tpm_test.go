package attestation

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/credential"
	"github.com/gopasskey/passkey/errcode"
)

// tpmSAN encodes a SAN with one directoryName holding rdns.
func tpmSAN(t testing.TB, rdns pkix.RDNSequence) []byte {
	t.Helper()
	name, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	san, err := asn1.Marshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: name}})
	if err != nil {
		t.Fatal(err)
	}
	return san
}

// tpmIdentity is the TPM identity of the EK profile, one attribute per RDN.
func tpmIdentity(manufacturer string) pkix.RDNSequence {
	return pkix.RDNSequence{
		{{Type: oidTPMManufacturer, Value: manufacturer}},
		{{Type: oidTPMModel, Value: "SLB9670"}},
		{{Type: oidTPMVersion, Value: "id:0D"}},
	}
}

// tpmAIKTemplate meets #sctn-tpm-cert-requirements.
func tpmAIKTemplate(t testing.TB) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          big.NewInt(20),
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidTCGKpAIKCertificate},
		ExtraExtensions: []pkix.Extension{
			{Id: oidExtSubjectAltName, Critical: true, Value: tpmSAN(t, tpmIdentity("id:49465800"))},
			aaguidExt(testAAGUID[:], false),
		},
	}
}

// tpmPubArea encodes a TPMT_PUBLIC for pub, as a TPM reports a signing key.
func tpmPubArea(t testing.TB, pub crypto.PublicKey, nameAlg uint16, rsaExponent uint32) []byte {
	t.Helper()
	b := []byte{}
	u16 := func(v uint16) { b = binary.BigEndian.AppendUint16(b, v) }
	tpm2b := func(v []byte) { u16(uint16(len(v))); b = append(b, v...) }
	switch k := pub.(type) {
	case *rsa.PublicKey:
		u16(tpmAlgRSA)
		u16(nameAlg)
		b = binary.BigEndian.AppendUint32(b, 0x00060472) // objectAttributes
		tpm2b(nil)                                       // authPolicy
		u16(tpmAlgNull)                                  // symmetric
		u16(0x0014)                                      // scheme RSASSA
		u16(tpmAlgSHA256)                                // its hash
		u16(uint16(k.N.BitLen()))                        // keyBits
		b = binary.BigEndian.AppendUint32(b, rsaExponent)
		tpm2b(k.N.Bytes())
	case *ecdsa.PublicKey:
		point, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		size := (len(point) - 1) / 2
		u16(tpmAlgECC)
		u16(nameAlg)
		b = binary.BigEndian.AppendUint32(b, 0x00060472)
		tpm2b(nil)
		u16(tpmAlgNull) // symmetric
		u16(0x0018)     // scheme ECDSA
		u16(tpmAlgSHA256)
		switch size {
		case 32:
			u16(tpmECCNistP256)
		case 48:
			u16(tpmECCNistP384)
		default:
			u16(tpmECCNistP521)
		}
		u16(tpmAlgNull) // kdf
		tpm2b(point[1 : 1+size])
		tpm2b(point[1+size:])
	default:
		t.Fatalf("no TPM key type for %T", pub)
	}
	return b
}

// tpmNameOf is nameAlg ‖ H_nameAlg(pubArea), computed independently of the
// verifier for the algorithms the tests use.
func tpmNameOf(nameAlg uint16, pubArea []byte) []byte {
	n := binary.BigEndian.AppendUint16(nil, nameAlg)
	var h crypto.Hash
	switch nameAlg {
	case tpmAlgSHA1:
		h = crypto.SHA1
	case tpmAlgSHA384:
		h = crypto.SHA384
	case tpmAlgSHA512:
		h = crypto.SHA512
	default:
		h = crypto.SHA256
	}
	d := h.New()
	d.Write(pubArea)
	return d.Sum(n)
}

// tpmAttestFields are the TPMS_ATTEST fields a test may break.
type tpmAttestFields struct {
	magic     uint32
	typ       uint16
	extraData []byte
	name      []byte
	trailing  []byte
}

func (a tpmAttestFields) encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, a.magic)
	b = binary.BigEndian.AppendUint16(b, a.typ)
	tpm2b := func(v []byte) { b = binary.BigEndian.AppendUint16(b, uint16(len(v))); b = append(b, v...) }
	tpm2b([]byte{0x00, 0x0b, 0xaa}) // qualifiedSigner
	tpm2b(a.extraData)
	b = binary.BigEndian.AppendUint64(b, 123456) // clock
	b = binary.BigEndian.AppendUint32(b, 1)      // resetCount
	b = binary.BigEndian.AppendUint32(b, 2)      // restartCount
	b = append(b, 1)                             // safe
	b = binary.BigEndian.AppendUint64(b, 0x2000) // firmwareVersion
	tpm2b(a.name)
	tpm2b([]byte{0x00, 0x0b}) // qualifiedName
	return append(b, a.trailing...)
}

// tpmInputs is one TPM statement in the making; build fills what a test
// left empty with the values a genuine TPM would produce.
type tpmInputs struct {
	ver       string
	alg       cose.Algorithm
	aikSigner crypto.Signer
	aikTmpl   *x509.Certificate
	x5c       [][]byte
	omitX5C   bool
	nameAlg   uint16
	exponent  uint32
	pubArea   []byte
	attest    tpmAttestFields
	certInfo  []byte
	sig       []byte
	extra     map[string]any
}

func (in *tpmInputs) build(t testing.TB, cred crypto.PublicKey, authData []byte) []byte {
	t.Helper()
	if in.pubArea == nil {
		in.pubArea = tpmPubArea(t, cred, in.nameAlg, in.exponent)
	}
	if in.attest.name == nil {
		in.attest.name = tpmNameOf(in.nameAlg, in.pubArea)
	}
	if in.attest.extraData == nil {
		d := in.alg.Hash().New()
		d.Write(signedData(authData))
		in.attest.extraData = d.Sum(nil)
	}
	if in.certInfo == nil {
		in.certInfo = in.attest.encode()
	}
	if in.sig == nil {
		in.sig = signWith(t, in.aikSigner, in.alg, in.certInfo)
	}
	if in.x5c == nil {
		ca := newTestCA(t)
		in.x5c = [][]byte{ca.issue(t, in.aikTmpl, in.aikSigner.Public()), ca.cert.Raw}
	}
	m := map[string]any{"ver": in.ver, "alg": int64(in.alg), "sig": in.sig, "certInfo": in.certInfo, "pubArea": in.pubArea}
	if !in.omitX5C {
		m["x5c"] = in.x5c
	}
	for k, v := range in.extra {
		m[k] = v
	}
	return encode(t, m)
}

func defaultTPMInputs(t testing.TB, aik crypto.Signer, alg cose.Algorithm) *tpmInputs {
	return &tpmInputs{
		ver: "2.0", alg: alg, aikSigner: aik, aikTmpl: tpmAIKTemplate(t), nameAlg: tpmAlgSHA256,
		attest: tpmAttestFields{magic: tpmGeneratedValue, typ: tpmSTAttestCertify},
	}
}

func TestVerifyTPM(t *testing.T) {
	ks := testKeys(t)
	cases := []struct {
		name       string
		credSigner crypto.Signer
		credAlg    cose.Algorithm
		aik        crypto.Signer
		alg        cose.Algorithm
		mod        func(*tpmInputs)
		anyVendor  bool
		allowSHA1  bool
	}{
		{name: "ECC key, ES256 AIK", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256},
		{name: "ECC P-384 key", credSigner: ks.p384, credAlg: cose.ES384, aik: ks.p256b, alg: cose.ES256},
		{name: "RSA key, RS256 AIK", credSigner: ks.rsa, credAlg: cose.RS256, aik: ks.rsa, alg: cose.RS256},
		{name: "RSA exponent written out", credSigner: ks.rsa, credAlg: cose.RS256, aik: ks.rsa, alg: cose.RS256,
			mod: func(in *tpmInputs) { in.exponent = 65537 }},
		{name: "RS1 allowed by policy", credSigner: ks.rsa, credAlg: cose.RS256, aik: ks.rsa, alg: cose.RS1, allowSHA1: true},
		{name: "nameAlg SHA-1", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.nameAlg = tpmAlgSHA1 }},
		{name: "nameAlg SHA-384", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.nameAlg = tpmAlgSHA384 }},
		{name: "nameAlg SHA-512", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.nameAlg = tpmAlgSHA512 }},
		{name: "TPM identity in one RDN", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) {
				id := tpmIdentity("id:49465800")
				in.aikTmpl.ExtraExtensions[0].Value = tpmSAN(t, pkix.RDNSequence{{id[0][0], id[1][0], id[2][0]}})
			}},
		{name: "lower-case vendor ID", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[0].Value = tpmSAN(t, tpmIdentity("id:4e544300")) }},
		{name: "no AAGUID extension", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions = in.aikTmpl.ExtraExtensions[:1] }},
		{name: "unregistered vendor allowed by policy", credSigner: ks.p256, credAlg: cose.ES256, aik: ks.p256b, alg: cose.ES256,
			mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[0].Value = tpmSAN(t, tpmIdentity("id:00000000")) }, anyVendor: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newCredKey(t, c.credSigner, c.credAlg)
			authData := makeAuthData(testAAGUID, []byte("tpm"), k.cose)
			in := defaultTPMInputs(t, c.aik, c.alg)
			if c.mod != nil {
				c.mod(in)
			}
			s := newStatement(t, authData, in.build(t, c.credSigner.Public(), authData))
			s.tpmAnyVendor, s.allowSHA1 = c.anyVendor, c.allowSHA1
			v, err := verifyTPM(s)
			if err != nil {
				t.Fatal(err)
			}
			if v.typ != TypeAttCA || len(v.trustPath) != 2 || string(v.trustPath[0].Raw) != string(in.x5c[0]) {
				t.Fatalf("got type %s with %d certificates, want attca with x5c", v.typ, len(v.trustPath))
			}
		})
	}
}

func TestVerifyTPMRejects(t *testing.T) {
	ks := testKeys(t)
	ca := newTestCA(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("tpm"), k.cose)
	otherAAGUID := credential.AAGUID{9}
	setSAN := func(in *tpmInputs, rdns pkix.RDNSequence) {
		in.aikTmpl.ExtraExtensions[0].Value = tpmSAN(t, rdns)
	}
	withoutExt := func(in *tpmInputs, oid asn1.ObjectIdentifier) {
		var keep []pkix.Extension
		for _, e := range in.aikTmpl.ExtraExtensions {
			if !e.Id.Equal(oid) {
				keep = append(keep, e)
			}
		}
		in.aikTmpl.ExtraExtensions = keep
	}

	cases := []struct {
		name   string
		aik    crypto.Signer // default ks.p256b
		alg    cose.Algorithm
		mod    func(*tpmInputs)
		check  string
		detail string
	}{
		// attStmt.
		{name: "ver 1.2", mod: func(in *tpmInputs) { in.ver = "1.2" }, check: checkTPM, detail: "ver is not"},
		{name: "ecdaaKeyId", mod: func(in *tpmInputs) { in.extra = map[string]any{"ecdaaKeyId": []byte{1}} }, check: checkTPM, detail: "ECDAA"},
		{name: "unknown member", mod: func(in *tpmInputs) { in.extra = map[string]any{"fmt": "tpm"} }, check: checkTPM, detail: "does not define"},
		{name: "certInfo as text", mod: func(in *tpmInputs) { in.extra = map[string]any{"certInfo": "x"} }, check: checkTPM, detail: "certInfo has the wrong type"},

		// pubArea and the credential key.
		{name: "truncated pubArea", mod: func(in *tpmInputs) {
			in.pubArea = tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0)
			in.pubArea = in.pubArea[:len(in.pubArea)-1]
		}, check: checkTPM, detail: "pubArea is not a well-formed"},
		{name: "pubArea with trailing bytes", mod: func(in *tpmInputs) {
			in.pubArea = append(tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0), 0)
		}, check: checkTPM, detail: "pubArea has trailing bytes"},
		{name: "pubArea of a KEYEDHASH object", mod: func(in *tpmInputs) {
			in.pubArea = tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0)
			in.pubArea[1] = 0x08
		}, check: checkTPM, detail: "not RSA or ECC"},
		{name: "unknown signing scheme", mod: func(in *tpmInputs) {
			in.pubArea = tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0)
			in.pubArea[12] = 0x7f // scheme after type, nameAlg, attributes, authPolicy, symmetric
		}, check: checkTPM, detail: "pubArea is not a well-formed"},
		{name: "another EC key", mod: func(in *tpmInputs) { in.pubArea = tpmPubArea(t, &ks.p256b.PublicKey, tpmAlgSHA256, 0) },
			check: checkTPM, detail: "EC points differ"},
		{name: "another curve", mod: func(in *tpmInputs) {
			in.pubArea = tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0)
			in.pubArea[17] = tpmECCNistP384 // the low byte of curveID
		}, check: checkTPM, detail: "curves differ"},
		{name: "RSA pubArea for an EC key", mod: func(in *tpmInputs) { in.pubArea = tpmPubArea(t, &ks.rsa.PublicKey, tpmAlgSHA256, 0) },
			check: checkTPM, detail: "credential key is EC"},

		// x5c and the AIK certificate.
		{name: "no x5c", mod: func(in *tpmInputs) { in.omitX5C = true }, check: checkTPM, detail: "has no x5c"},
		{name: "version 1 AIK", mod: func(in *tpmInputs) { in.x5c = [][]byte{ca.issueV1(t, pkix.Name{}, ks.p256b.Public())} },
			check: checkTPMCertReqs, detail: "not an X.509 v3"},
		{name: "Subject not empty", mod: func(in *tpmInputs) { in.aikTmpl.Subject = pkix.Name{CommonName: "AIK"} },
			check: checkTPMCertReqs, detail: "Subject is not empty"},
		{name: "no SAN", mod: func(in *tpmInputs) { withoutExt(in, oidExtSubjectAltName) }, check: checkTPMCertReqs, detail: "no subject alternative name"},
		{name: "SAN not critical", mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[0].Critical = false },
			check: checkTPMCertReqs, detail: "not critical"},
		{name: "SAN not DER", mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[0].Value = []byte{0x30, 0x04, 0xa4, 0x02, 0x05, 0x00} },
			check: checkTPMCertReqs, detail: "malformed"},
		{name: "no tpmModel", mod: func(in *tpmInputs) {
			id := tpmIdentity("id:49465800")
			setSAN(in, pkix.RDNSequence{id[0], id[2]})
		}, check: checkTPMCertReqs, detail: "lacks tpmModel"},
		{name: "two manufacturers", mod: func(in *tpmInputs) {
			setSAN(in, append(tpmIdentity("id:49465800"), pkix.RelativeDistinguishedNameSET{{Type: oidTPMManufacturer, Value: "id:494E5443"}}))
		}, check: checkTPMCertReqs, detail: "repeats tpmManufacturer"},
		{name: "model not a string", mod: func(in *tpmInputs) {
			id := tpmIdentity("id:49465800")
			id[1][0].Value = 9670
			setSAN(in, id)
		}, check: checkTPMCertReqs, detail: "tpmModel is not a string"},
		{name: "manufacturer without id:", mod: func(in *tpmInputs) { setSAN(in, tpmIdentity("49465800")) },
			check: checkTPMCertReqs, detail: "not a vendor ID"},
		{name: "manufacturer not hex", mod: func(in *tpmInputs) { setSAN(in, tpmIdentity("id:4946580G")) },
			check: checkTPMCertReqs, detail: "not a vendor ID"},
		{name: "unregistered manufacturer", mod: func(in *tpmInputs) { setSAN(in, tpmIdentity("id:00000000")) },
			check: checkTPMCertReqs, detail: "not in the TCG vendor registry"},
		{name: "no AIK EKU", mod: func(in *tpmInputs) { in.aikTmpl.UnknownExtKeyUsage = nil }, check: checkTPMCertReqs, detail: "tcg-kp-AIKCertificate"},
		{name: "no basicConstraints", mod: func(in *tpmInputs) { in.aikTmpl.BasicConstraintsValid = false },
			check: checkTPMCertReqs, detail: "no basicConstraints"},
		{name: "CA true", mod: func(in *tpmInputs) { in.aikTmpl.IsCA = true }, check: checkTPMCertReqs, detail: "is a CA"},
		{name: "AAGUID of another model", mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[1] = aaguidExt(otherAAGUID[:], false) },
			check: checkTPM, detail: "differs from the AAGUID"},
		{name: "critical AAGUID extension", mod: func(in *tpmInputs) { in.aikTmpl.ExtraExtensions[1].Critical = true },
			check: checkTPM, detail: "id-fido-gen-ce-aaguid critical"},

		// The signature.
		{name: "signed by another key", mod: func(in *tpmInputs) {
			in.certInfo = in.attest.encode()
			in.sig = signWith(t, ks.p256, cose.ES256, in.certInfo)
		}, check: checkTPM, detail: "sig does not verify"},
		{name: "RS256 from an EC AIK", alg: cose.RS256, mod: func(in *tpmInputs) { in.sig = []byte{1} }, check: checkTPM, detail: "does not fit"},
		{name: "RS1 without the policy", aik: ks.rsa, alg: cose.RS1, check: checkTPM, detail: "RS1"},
		{name: "EdDSA AIK", aik: ks.ed, alg: cose.EdDSA, mod: func(in *tpmInputs) { in.attest.extraData = []byte{} }, check: checkTPM, detail: "no hash for extraData"},

		// certInfo.
		{name: "magic", mod: func(in *tpmInputs) { in.attest.magic = 0xff544348 }, check: checkTPM, detail: "magic is not TPM_GENERATED_VALUE"},
		{name: "type TPM_ST_ATTEST_QUOTE", mod: func(in *tpmInputs) { in.attest.typ = 0x8018 }, check: checkTPM, detail: "type is not TPM_ST_ATTEST_CERTIFY"},
		{name: "truncated certInfo", mod: func(in *tpmInputs) { in.certInfo = in.attest.encode()[:40] }, check: checkTPM, detail: "certInfo is not a well-formed"},
		{name: "certInfo with trailing bytes", mod: func(in *tpmInputs) { in.attest.trailing = []byte{0} }, check: checkTPM, detail: "certInfo has trailing bytes"},
		{name: "extraData of other data", mod: func(in *tpmInputs) {
			d := sha1.Sum(authData)
			in.attest.extraData = append(d[:], make([]byte, 12)...)
		}, check: checkTPM, detail: "extraData is not"},
		{name: "extraData hashed with SHA-1", mod: func(in *tpmInputs) {
			d := sha1.Sum(signedData(authData))
			in.attest.extraData = d[:]
		}, check: checkTPM, detail: "extraData is not"},
		{name: "name of another key", mod: func(in *tpmInputs) {
			in.attest.name = tpmNameOf(tpmAlgSHA256, tpmPubArea(t, &ks.p256b.PublicKey, tpmAlgSHA256, 0))
		}, check: checkTPM, detail: "attested name"},
		{name: "name under another nameAlg", mod: func(in *tpmInputs) {
			in.attest.name = tpmNameOf(tpmAlgSHA1, tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0))
		}, check: checkTPM, detail: "attested name"},
		{name: "nameAlg SM3", mod: func(in *tpmInputs) {
			in.nameAlg = 0x0012
			in.attest.name = []byte{0x00, 0x12}
		}, check: checkTPM, detail: "nameAlg is not a hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			aik, alg := c.aik, c.alg
			if aik == nil {
				aik = ks.p256b
			}
			if alg == 0 {
				alg = cose.ES256
			}
			in := defaultTPMInputs(t, aik, alg)
			if alg == cose.EdDSA {
				in.attest.extraData = []byte{}
			}
			if c.mod != nil {
				c.mod(in)
			}
			_, err := verifyTPM(newStatement(t, authData, in.build(t, &ks.p256.PublicKey, authData)))
			wantError(t, err, errcode.ErrAttestationInvalid, c.check, c.detail)
		})
	}
}

// TestVerifyTPMOrder pins the editor's draft order: the signature over
// certInfo is checked before certInfo's contents.
func TestVerifyTPMOrder(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.p256, cose.ES256)
	authData := makeAuthData(testAAGUID, []byte("tpm"), k.cose)
	in := defaultTPMInputs(t, ks.p256b, cose.ES256)
	in.attest.magic = 0
	in.certInfo = in.attest.encode()
	in.sig = signWith(t, ks.p256, cose.ES256, in.certInfo) // wrong key too
	_, err := verifyTPM(newStatement(t, authData, in.build(t, &ks.p256.PublicKey, authData)))
	wantError(t, err, errcode.ErrAttestationInvalid, checkTPM, "sig does not verify")
}

func TestTPMVendorsWellFormed(t *testing.T) {
	for id, name := range tpmVendors {
		if len(id) != 8 || !isHex(id) || id != strings.ToUpper(id) || name == "" {
			t.Errorf("registry entry %q (%q) is not 8 upper-case hex digits with a name", id, name)
		}
	}
}

func TestVerifyTPMRSAKeyMismatch(t *testing.T) {
	ks := testKeys(t)
	k := newCredKey(t, ks.rsa, cose.RS256)
	authData := makeAuthData(testAAGUID, []byte("tpm"), k.cose)
	cases := []struct {
		name    string
		pubArea func() []byte
		detail  string
	}{
		{"exponent 3", func() []byte { return tpmPubArea(t, &ks.rsa.PublicKey, tpmAlgSHA256, 3) }, "RSA exponents differ"},
		{"another modulus", func() []byte {
			p := tpmPubArea(t, &ks.rsa.PublicKey, tpmAlgSHA256, 0)
			p[len(p)-1] ^= 0x02 // the modulus ends pubArea
			return p
		}, "RSA moduli differ"},
		{"ECC pubArea for an RSA key", func() []byte { return tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0) }, "credential key is RSA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := defaultTPMInputs(t, ks.p256b, cose.ES256)
			in.pubArea = c.pubArea()
			_, err := verifyTPM(newStatement(t, authData, in.build(t, &ks.rsa.PublicKey, authData)))
			wantError(t, err, errcode.ErrAttestationInvalid, checkTPM, c.detail)
		})
	}
	t.Run("EdDSA credential key", func(t *testing.T) {
		k := newCredKey(t, ks.ed, cose.EdDSA)
		authData := makeAuthData(testAAGUID, []byte("tpm"), k.cose)
		in := defaultTPMInputs(t, ks.p256b, cose.ES256)
		in.pubArea = tpmPubArea(t, &ks.p256.PublicKey, tpmAlgSHA256, 0)
		_, err := verifyTPM(newStatement(t, authData, in.build(t, nil, authData)))
		wantError(t, err, errcode.ErrAttestationInvalid, checkTPM, "only RSA and EC keys")
	})
}
