package attestation

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// fuzzKey derives a fixed Ed25519 key, so that corpus entries saved by one
// run still hold valid signatures in the next.
func fuzzKey(label byte) ed25519.PrivateKey {
	seed := bytes.Repeat([]byte{label}, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(seed)
}

// fuzzP256 derives a fixed P-256 key, as fuzzKey does for Ed25519.
func fuzzP256(t testing.TB, label byte) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), bytes.Repeat([]byte{label}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// FuzzPackedStatement feeds arbitrary attStmt bytes to verifyPacked with one
// fixed, valid authenticator data. It must never panic, must fail only with
// the two codes a statement can earn, and must accept only statements that
// carry one of the two signatures the seeds were made with.
//
// The keys are Ed25519 on purpose: its signatures are not malleable, so the
// property "a mutated statement that verifies has the original sig" holds
// exactly (with ECDSA, (r, n-s) would be a second valid sig). The alg of an
// x5c statement may still change between EdDSA (-8) and its fully-specified
// alias Ed25519 (-19), which verify alike; self attestation compares alg
// literally, so it may not.
func FuzzPackedStatement(f *testing.F) { newPackedFuzz(f).fuzz(f) }

func newPackedFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey := fuzzKey(1)
	leafKey := fuzzKey(2)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	msg := signedData(authData)
	selfSig := ed25519.Sign(credKey, msg)
	x5cSig := ed25519.Sign(leafKey, msg)
	ca := newFuzzCA(t)
	caDER := ca.cert.Raw
	leafDER := ca.issue(t, packedLeafTemplate(), leafKey.Public())
	noOU := packedLeafTemplate()
	noOU.Subject.OrganizationalUnit = nil

	seeds := [][]byte{
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": selfSig}),
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{leafDER}}),
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{leafDER, caDER}}),
		encode(t, map[string]any{"alg": int64(cose.Ed25519), "sig": selfSig}), // alg not the key's
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{ca.issue(t, noOU, leafKey.Public())}}),
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": x5cSig, "x5c": [][]byte{}}),
		encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": selfSig, "ecdaaKeyId": []byte{1}}),
		dupMember("alg", []byte{0x27}),
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyPacked,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			var st packedStmt
			if err := cbor.Unmarshal(raw, &st); err != nil {
				t.Fatalf("accepted a statement that does not decode: %v", err)
			}
			alg := cose.Algorithm(st.Alg)
			switch v.typ {
			case TypeSelf:
				if alg != cose.EdDSA || !bytes.Equal(st.Sig, selfSig) {
					t.Fatalf("self attestation accepted with alg %s and another sig", alg)
				}
				if len(v.trustPath) != 0 {
					t.Fatal("self attestation with a trust path")
				}
			case TypeBasic:
				if (alg != cose.EdDSA && alg != cose.Ed25519) || !bytes.Equal(st.Sig, x5cSig) {
					t.Fatalf("x5c attestation accepted with alg %s and another sig", alg)
				}
				if len(v.trustPath) == 0 || !leafKey.Public().(ed25519.PublicKey).Equal(v.trustPath[0].PublicKey) {
					t.Fatal("x5c attestation whose trust path does not start with the signing certificate")
				}
				ca.sameIfSigned(t, v.trustPath[0], leafDER)
			default:
				t.Fatalf("packed yielded type %s", v.typ)
			}
		},
	}
}

// tpmStructSeeds is FuzzTPMStructures's seed corpus: pubAreas of both key
// types, one of a nameAlg the library does not compute, and a certInfo.
func tpmStructSeeds(t testing.TB) [][]byte {
	ec, rsaKey := fuzzP256(t, 6), testKeys(t).rsa
	sm3 := tpmPubArea(t, &ec.PublicKey, 0x0012, 0)
	return [][]byte{
		tpmPubArea(t, &ec.PublicKey, tpmAlgSHA256, 0),
		tpmPubArea(t, &rsaKey.PublicKey, tpmAlgSHA1, 0),
		sm3,
		tpmAttestFields{magic: tpmGeneratedValue, typ: tpmSTAttestCertify, extraData: make([]byte, 32), name: make([]byte, 34)}.encode(),
		tpmAttestFields{magic: tpmGeneratedValue, typ: 0x8018}.encode(),
	}
}

// checkTPMStructures is FuzzTPMStructures's property: the TPMT_PUBLIC and
// TPMS_ATTEST parsers never panic and fail only with attestation-invalid;
// what they accept is laid out as TPM 2.0 Part 2 says, read here by offset
// arithmetic independently of the parsers: a pubArea begins with its type
// and nameAlg and ends with its unique field (the RSA exponent and modulus,
// or the two ECC coordinates), and its Name is nameAlg ‖ H(pubArea); a
// certInfo's extraData and attested name are the TPM2B fields at the
// offsets the structure gives, and qualifiedName ends it. It returns a
// verdict per parser.
func checkTPMStructures(t testing.TB, b []byte) []string {
	t.Helper()
	invalid := []errcode.Sentinel{errcode.ErrAttestationInvalid}
	var out []string
	if p, err := parseTPMPublic(b); err == nil {
		out = append(out, "pubArea:"+verdictOK)
		checkTPMPublicLayout(t, b, p)
		if name, err := p.name(); err != nil {
			out = append(out, "name:"+verdictCode(t, err, invalid))
		} else {
			out = append(out, "name:"+verdictOK)
			if !bytes.Equal(name, tpmNameOf(p.nameAlg, b)) {
				t.Fatalf("Name %x, want nameAlg ‖ H(pubArea)", name)
			}
		}
	} else {
		out = append(out, "pubArea:"+verdictCode(t, err, invalid))
	}
	if a, err := parseTPMAttest(b); err == nil {
		out = append(out, "certInfo:"+verdictOK)
		checkTPMAttestLayout(t, b, a)
	} else {
		out = append(out, "certInfo:"+verdictCode(t, err, invalid))
	}
	return out
}

func checkTPMPublicLayout(t testing.TB, b []byte, p tpmPublic) {
	t.Helper()
	if len(b) < 4 || binary.BigEndian.Uint16(b) != p.typ || binary.BigEndian.Uint16(b[2:]) != p.nameAlg {
		t.Fatalf("pubArea %x read as type %#x, nameAlg %#x", b, p.typ, p.nameAlg)
	}
	// tail cuts a TPM2B off the end of rest, or fails.
	tail := func(rest []byte, field []byte) []byte {
		n := len(field) + 2
		if len(rest) < n || int(binary.BigEndian.Uint16(rest[len(rest)-n:])) != len(field) || !bytes.Equal(rest[len(rest)-len(field):], field) {
			t.Fatalf("pubArea %x does not end with the field %x", b, field)
		}
		return rest[:len(rest)-n]
	}
	switch p.typ {
	case tpmAlgRSA:
		rest := tail(b, p.modulus)
		if len(rest) < 4 || binary.BigEndian.Uint32(rest[len(rest)-4:]) != p.exponent {
			t.Fatalf("pubArea %x: exponent %d is not the field before the modulus", b, p.exponent)
		}
	case tpmAlgECC:
		tail(tail(b, p.y), p.x)
	default:
		t.Fatalf("accepted pubArea type %#x", p.typ)
	}
}

func checkTPMAttestLayout(t testing.TB, b []byte, a tpmAttest) {
	t.Helper()
	// tpm2b reads the TPM2B at off and returns it and the offset after it.
	tpm2b := func(off int) ([]byte, int) {
		if off+2 > len(b) {
			t.Fatalf("certInfo %x accepted with a TPM2B past its end", b)
		}
		n := int(binary.BigEndian.Uint16(b[off:]))
		if off+2+n > len(b) {
			t.Fatalf("certInfo %x accepted with a TPM2B past its end", b)
		}
		return b[off+2 : off+2+n], off + 2 + n
	}
	if binary.BigEndian.Uint32(b) != tpmGeneratedValue || binary.BigEndian.Uint16(b[4:]) != tpmSTAttestCertify {
		t.Fatalf("certInfo %x accepted with another magic or type", b)
	}
	_, off := tpm2b(6) // qualifiedSigner
	extra, off := tpm2b(off)
	off += 8 + 4 + 4 + 1 + 8 // clockInfo, firmwareVersion
	name, off := tpm2b(off)
	_, end := tpm2b(off) // qualifiedName
	if !bytes.Equal(extra, a.extraData) || !bytes.Equal(name, a.name) || end != len(b) {
		t.Fatalf("certInfo %x read as extraData %x, name %x", b, a.extraData, a.name)
	}
}

// FuzzTPMStructures feeds arbitrary bytes to the TPMT_PUBLIC and TPMS_ATTEST
// parsers; see checkTPMStructures.
func FuzzTPMStructures(f *testing.F) {
	for _, s := range tpmStructSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkTPMStructures(t, b) })
}

// keyDescriptionSeeds is FuzzKeyDescription's seed corpus.
func keyDescriptionSeeds() [][]byte {
	good := cat(alPurpose(kmPurposeSign), alOrigin(kmOriginGenerated), alRootOfTrust())
	return [][]byte{
		keyDescriptionDER(testClientDataHash, nil, good),
		keyDescriptionDER(testClientDataHash, alAllApplications(), good),
		keyDescriptionDER(testClientDataHash, cat(alPurpose(3, kmPurposeSign), alKeySize(256)), alOrigin(2)),
		keyDescriptionDER(testClientDataHash, nil, cat(good, alOrigin(1))), // [702] twice
		keyDescriptionDER(nil, nil, nil),
		{0x04, 0x00},
	}
}

// refKeyDescription is KeyDescription as encoding/asn1 reads it, for the
// differential property of FuzzKeyDescription. The version and security
// level fields are taken raw: the parser under test checks their types,
// which is all the procedure needs of them.
type refKeyDescription struct {
	AttestationVersion, AttestationSecurityLevel asn1.RawValue
	KeymasterVersion, KeymasterSecurityLevel     asn1.RawValue
	AttestationChallenge                         []byte
	UniqueID                                     []byte
	SoftwareEnforced, TeeEnforced                asn1.RawValue
}

// refAuthorizationList reads an AuthorizationList with encoding/asn1.
func refAuthorizationList(t testing.TB, v asn1.RawValue) authorizationList {
	t.Helper()
	if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagSequence || !v.IsCompound {
		t.Fatalf("accepted an authorization list that is not a SEQUENCE: %x", v.FullBytes)
	}
	var l authorizationList
	for rest := v.Bytes; len(rest) > 0; {
		var e asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &e); err != nil {
			t.Fatalf("accepted an authorization list encoding/asn1 cannot read: %v", err)
		}
		if e.Class != asn1.ClassContextSpecific || !e.IsCompound {
			t.Fatalf("accepted an element that is not [n] EXPLICIT: %x", e.FullBytes)
		}
		switch e.Tag {
		case kmTagPurpose:
			var set []int64
			if r, err := asn1.UnmarshalWithParams(e.Bytes, &set, "set"); err != nil || len(r) > 0 {
				t.Fatalf("accepted a purpose encoding/asn1 cannot read (%v)", err)
			}
			l.purpose = append(l.purpose, set...)
		case kmTagOrigin:
			var o int64
			if r, err := asn1.Unmarshal(e.Bytes, &o); err != nil || len(r) > 0 {
				t.Fatalf("accepted an origin encoding/asn1 cannot read (%v)", err)
			}
			l.origin = append(l.origin, o)
		case kmTagAllApplications:
			l.allApplications = true
		}
	}
	return l
}

// checkKeyDescription is FuzzKeyDescription's property: the parser never
// panics, fails only with attestation-invalid, and what it accepts
// encoding/asn1 reads alike: the same challenge, and the same purpose,
// origin and allApplications in each list.
func checkKeyDescription(t testing.TB, b []byte) string {
	t.Helper()
	kd, err := parseKeyDescription(b)
	if err != nil {
		return verdictCode(t, err, []errcode.Sentinel{errcode.ErrAttestationInvalid})
	}
	var ref refKeyDescription
	if rest, err := asn1.Unmarshal(b, &ref); err != nil || len(rest) > 0 {
		t.Fatalf("accepted %x, which encoding/asn1 does not read as one KeyDescription (%v)", b, err)
	}
	if !bytes.Equal(ref.AttestationChallenge, kd.challenge) {
		t.Fatalf("challenge %x, encoding/asn1 reads %x", kd.challenge, ref.AttestationChallenge)
	}
	for _, l := range []struct {
		name     string
		got, ref authorizationList
	}{
		{"softwareEnforced", kd.software, refAuthorizationList(t, ref.SoftwareEnforced)},
		{"teeEnforced", kd.tee, refAuthorizationList(t, ref.TeeEnforced)},
	} {
		if !slices.Equal(l.got.purpose, l.ref.purpose) || !slices.Equal(l.got.origin, l.ref.origin) ||
			l.got.allApplications != l.ref.allApplications {
			t.Fatalf("%s read as %+v, encoding/asn1 reads %+v", l.name, l.got, l.ref)
		}
	}
	return verdictOK
}

// FuzzKeyDescription feeds arbitrary bytes to the Android key description
// parser; see checkKeyDescription.
func FuzzKeyDescription(f *testing.F) {
	for _, s := range keyDescriptionSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkKeyDescription(t, b) })
}

// resignJWS replaces the ES256 signature of a compact JWS by a
// deterministic one (signES256), in JWS's R‖S form.
func resignJWS(t testing.TB, jws string, key *ecdsa.PrivateKey) (string, []byte) {
	t.Helper()
	input := jws[:strings.LastIndexByte(jws, '.')]
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(signES256(t, key, []byte(input)), &rs); err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), sig
}

// rsTwin reports whether got is the P-256 R‖S signature want or its
// (r, n−s).
func rsTwin(want, got []byte) bool {
	if bytes.Equal(want, got) {
		return true
	}
	if len(want) != 64 || len(got) != 64 || !bytes.Equal(want[:32], got[:32]) {
		return false
	}
	s := new(big.Int).Sub(elliptic.P256().Params().N, new(big.Int).SetBytes(want[32:]))
	return s.Cmp(new(big.Int).SetBytes(got[32:])) == 0
}

// FuzzSafetyNetStatement feeds arbitrary attStmt bytes to verifySafetyNet
// with one fixed authenticator data and clock. It must never panic, must
// fail only with the two codes a statement can earn, and may accept only a
// response a seed carries: the JWS signs its header (x5c included) and
// payload, so both must be a valid seed's, with the seed's signature or its
// (r, n−s) twin. ver is not signed and may be any non-empty text.
func FuzzSafetyNetStatement(f *testing.F) { newSafetyNetFuzz(f).fuzz(f) }

func newSafetyNetFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	coseKey, err := cose.Marshal(fuzzKey(1).Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	leafKey := fuzzP256(t, 5)
	ca := newFuzzCA(t)
	leaf := ca.issue(t, safetyNetLeafTemplate(safetyNetHost), leafKey.Public())
	type valid struct {
		input string
		sig   []byte
	}
	var valids []valid
	// build makes a statement with a deterministic signature.
	build := func(in *safetyNetInputs, keep bool) []byte {
		in.alg, in.signKey, in.leafKey = jose.ES256, leafKey, leafKey.Public()
		if in.x5c == nil {
			in.x5c = [][]byte{leaf, ca.cert.Raw}
		}
		jws, sig := resignJWS(t, in.sign(t, authData), leafKey)
		in.jws = jws
		if keep {
			valids = append(valids, valid{jws[:strings.LastIndexByte(jws, '.')], sig})
		}
		return in.build(t, authData)
	}
	seeds := [][]byte{
		build(&safetyNetInputs{}, true),
		build(&safetyNetInputs{x5c: [][]byte{leaf}}, true),
		build(&safetyNetInputs{mod: func(p map[string]any) { p["ctsProfileMatch"] = false }}, false),
		build(&safetyNetInputs{mod: func(p map[string]any) { delete(p, "timestampMs") }}, false),
		build(&safetyNetInputs{ver: ""}, false),
		build(&safetyNetInputs{x5c: [][]byte{ca.issue(t, safetyNetLeafTemplate("example.com"), leafKey.Public())}}, false),
		dupMember("ver", []byte{0x61, '1'}),
		[]byte{0xa1, 0x63, 'v', 'e', 'r', 0x62, 0xff, 0xfe}, // {"ver": "\xff\xfe"}: not UTF-8
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData:  authData,
		seeds:     seeds,
		verify:    verifySafetyNet,
		statement: safetyNetStatement,
		accepted: func(t testing.TB, raw []byte, v verdict) {
			var st safetyNetStmt
			if err := cbor.Unmarshal(raw, &st); err != nil {
				t.Fatalf("accepted a statement that does not decode: %v", err)
			}
			jws := string(st.Response)
			dot := strings.LastIndexByte(jws, '.')
			sig, err := base64.RawURLEncoding.DecodeString(jws[dot+1:])
			if err != nil {
				t.Fatalf("accepted a signature that is not base64url: %v", err)
			}
			ok := false
			for _, s := range valids {
				ok = ok || jws[:dot] == s.input && rsTwin(s.sig, sig)
			}
			if !ok {
				t.Fatalf("accepted a response no seed carries: %q", jws)
			}
			if v.typ != TypeBasic || len(v.trustPath) == 0 || !leafKey.PublicKey.Equal(v.trustPath[0].PublicKey) {
				t.Fatal("accepted a response not signed by the seed's certificate")
			}
			ca.sameIfSigned(t, v.trustPath[0], leaf)
		},
	}
}

// safetyNetPayloadSeeds is FuzzSafetyNetPayload's seed corpus.
func safetyNetPayloadSeeds() [][]byte {
	return [][]byte{
		[]byte(`{"nonce":"bm9uY2U=","timestampMs":1749501642989,"ctsProfileMatch":true,"basicIntegrity":true}`),
		[]byte(`{"nonce":null,"timestampMs":1.5,"ctsProfileMatch":"true"}`),
		[]byte(`{"nonce":"","timestampMs":0}`),
		[]byte(`[]`),
	}
}

// checkSafetyNetPayload is FuzzSafetyNetPayload's property: the decoder
// never panics, fails only with attestation-invalid, and what it accepts
// has every member the procedure reads, with the values encoding/json
// reads into plain types.
func checkSafetyNetPayload(t testing.TB, body []byte) string {
	t.Helper()
	p, err := parseSafetyNetPayload(body)
	if err != nil {
		return verdictCode(t, err, []errcode.Sentinel{errcode.ErrAttestationInvalid})
	}
	if p.Nonce == nil || p.TimestampMs == nil || p.CTSProfileMatch == nil {
		t.Fatal("accepted a payload without a member the procedure reads")
	}
	var ref struct {
		Nonce           string `json:"nonce"`
		TimestampMs     int64  `json:"timestampMs"`
		CTSProfileMatch bool   `json:"ctsProfileMatch"`
	}
	if err := json.Unmarshal(body, &ref); err != nil || ref.Nonce != *p.Nonce || ref.TimestampMs != *p.TimestampMs ||
		ref.CTSProfileMatch != *p.CTSProfileMatch {
		t.Fatalf("read %q, %d, %v; encoding/json reads %+v (%v)", *p.Nonce, *p.TimestampMs, *p.CTSProfileMatch, ref, err)
	}
	return verdictOK
}

// FuzzSafetyNetPayload feeds arbitrary bytes to the payload decoder; see
// checkSafetyNetPayload.
func FuzzSafetyNetPayload(f *testing.F) {
	for _, s := range safetyNetPayloadSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkSafetyNetPayload(t, body) })
}

// appleNonceSeeds is FuzzAppleNonce's seed corpus.
func appleNonceSeeds() [][]byte {
	return [][]byte{
		appleNonceDER(make([]byte, 32)),
		appleNonceDER(nil),
		{0x30, 0x03, 0xa1, 0x01, 0x04},
	}
}

// checkAppleNonce is FuzzAppleNonce's property: the parser never panics,
// and what it accepts is exactly the DER encoding of the nonce it returns.
// It has no error codes: appleNonceOf turns a refusal into
// attestation-invalid.
func checkAppleNonce(t testing.TB, der []byte) string {
	t.Helper()
	nonce, ok := parseAppleNonce(der)
	if !ok {
		return "refused"
	}
	if !bytes.Equal(appleNonceDER(nonce), der) {
		t.Fatalf("accepted %x, which is not the DER encoding of its nonce", der)
	}
	return verdictOK
}

// FuzzAppleNonce feeds arbitrary bytes to the nonce extension parser; see
// checkAppleNonce.
func FuzzAppleNonce(f *testing.F) {
	for _, s := range appleNonceSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, der []byte) { checkAppleNonce(t, der) })
}

// FuzzCompoundStatement feeds arbitrary attStmt bytes to verifyCompound
// with one fixed authenticator data. It must never panic, must fail only
// with the codes a statement can earn, and what it accepts holds 2 to 3
// statements, none of them compound, each of a type its format yields; a
// packed one carries the seeds' self signature, a none one is an empty map
// (the properties of those formats' own targets).
func FuzzCompoundStatement(f *testing.F) { newCompoundFuzz(f).fuzz(f) }

func newCompoundFuzz(t testing.TB) *stmtFuzz {
	t.Helper()
	credKey := fuzzKey(1)
	coseKey, err := cose.Marshal(credKey.Public(), cose.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	authData := makeAuthData(testAAGUID, []byte("fuzz"), coseKey)
	selfSig := ed25519.Sign(credKey, signedData(authData))
	self := encode(t, map[string]any{"alg": int64(cose.EdDSA), "sig": selfSig})
	none := []byte{0xa0}
	seeds := [][]byte{
		encode(t, []any{part("packed", self), part("none", none)}),
		encode(t, []any{part("none", none), part("none", none), part("packed", self)}),
		encode(t, []any{part("compound", []byte{0x80}), part("none", none)}),
		encode(t, []any{part("none", none)}),
		encode(t, []any{part("none", none), part("none", none), part("none", none), part("none", none)}),
		encode(t, []any{part("packed", self), part("x-unknown", none)}),
		encode(t, []any{part("packed", dupMember("alg", []byte{0x27})), part("none", none)}), // malformed inside
		encode(t, []any{part("packed", self), part("none", []byte{0xa1, 0x61, 0x61, 0x00})}), // none not empty
		encode(t, []any{map[string]any{"fmt": "none"}, part("none", none)}),
		// [{"fmt": "none", "fmt": "none", "attStmt": {}}, ...]: a duplicate key.
		append([]byte{0x82, 0xa3, 0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e', 0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e',
			0x67, 'a', 't', 't', 'S', 't', 'm', 't', 0xa0}, encode(t, part("none", none))...),
	}
	seeds = append(seeds, shapeSeeds()...)

	return &stmtFuzz{
		authData: authData,
		seeds:    seeds,
		verify:   verifyCompound,
		codes:    append(slices.Clone(stmtCodes), errcode.ErrUnsupportedAttestationFormat),
		accepted: func(t testing.TB, raw []byte, v verdict) {
			if len(v.subs) < 2 || len(v.subs) > maxCompound {
				t.Fatalf("accepted %d statements", len(v.subs))
			}
			parts, err := parseCompound(raw)
			if err != nil || len(parts) != len(v.subs) {
				t.Fatalf("accepted statements that parseCompound reads otherwise (%v)", err)
			}
			for i, s := range v.subs {
				if s.format == "compound" || s.subs != nil {
					t.Fatal("accepted a nested compound statement")
				}
				if (s.typ == TypeNone) != (s.format == "none") {
					t.Fatalf("%s yielded %s", s.format, s.typ)
				}
				var st packedStmt
				switch {
				case s.format == "none" && !isEmptyMap(parts[i].raw):
					t.Fatalf("none accepted with %x", parts[i].raw)
				case s.format == "packed" && (cbor.Unmarshal(parts[i].raw, &st) != nil || !bytes.Equal(st.Sig, selfSig)):
					t.Fatal("packed accepted with another sig")
				}
			}
		},
	}
}
