package attestation

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"slices"
	"strconv"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Anchors of the android-key format.
const (
	checkAndroidKey         = "sctn-android-key-attestation"
	checkAndroidKeyCertReqs = "sctn-key-attstn-cert-requirements"
)

// androidKeyMembers is androidStmtFormat (#sctn-android-key-attestation).
var androidKeyMembers = []member{
	{name: "alg", kind: kindInt, required: true},
	{name: "sig", kind: kindBytes, required: true},
	{name: "x5c", kind: kindBytesArray, required: true},
}

type androidKeyStmt struct {
	Alg int64        `cbor:"alg"`
	Sig cbor.Bytes   `cbor:"sig"`
	X5C []cbor.Bytes `cbor:"x5c"`
}

// oidAndroidKeyDescription is the Android key attestation extension
// (#sctn-key-attstn-cert-requirements).
var oidAndroidKeyDescription = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 1, 17}

// Keymaster/KeyMint values the procedure compares against.
const (
	kmPurposeSign     = 2 // KM_PURPOSE_SIGN
	kmOriginGenerated = 0 // KM_ORIGIN_GENERATED
)

// AuthorizationList tags the procedure reads.
const (
	kmTagPurpose         = 1
	kmTagAllApplications = 600
	kmTagOrigin          = 702
)

// verifyAndroidKey runs the android-key format's procedure
// (#sctn-android-key-attestation). The result is Basic with x5c as the
// trust path.
//
// By default origin and purpose are read from teeEnforced only, so that a
// key the Android OS generated in software does not pass for a hardware
// one; statement.androidKeySoftware reads the union of both lists, as the
// spec allows an RP to.
//
// The trust step does not check the validity period of the attestation
// certificate itself (x5c[0]), only of the CA certificates above it. Keystore
// does not take the leaf's dates from a CA's policy: they are what the key's
// requester asked for (CERTIFICATE_NOT_BEFORE / _NOT_AFTER) or fixed
// defaults (the Unix epoch to 2048), and a device whose clock runs ahead
// stamps a notBefore in the future. Peers relax the leaf's dates likewise.
// The intermediates, which Google's attestation CAs issue with real (on
// remotely provisioned devices, two-week) lifetimes, are checked as usual.
func verifyAndroidKey(s *statement) (verdict, error) {
	if _, err := checkStmt(s.raw, checkAndroidKey, androidKeyMembers, nil); err != nil {
		return verdict{}, err
	}
	var st androidKeyStmt
	if err := cbor.Unmarshal(s.raw, &st); err != nil {
		// Unreachable after checkStmt; kept so that a decoder change fails closed.
		return verdict{}, errcode.Wrap(errcode.ErrMalformedAttestationObject, checkAndroidKey, "attStmt cannot be decoded", err)
	}
	certs, err := parseX5C(st.X5C, checkAndroidKey)
	if err != nil {
		return verdict{}, err
	}
	credCert := certs[0]
	if err := verifyCertSignature(cose.Algorithm(st.Alg), credCert, s.signed(), st.Sig, s.allowSHA1, checkAndroidKey); err != nil {
		return verdict{}, err
	}
	if !s.key.Equal(credCert.PublicKey) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkAndroidKey,
			"the attestation certificate's key is not the credential key")
	}
	kd, err := keyDescriptionOf(credCert)
	if err != nil {
		return verdict{}, err
	}
	if !bytes.Equal(kd.challenge, s.clientDataHash) {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkAndroidKey,
			"the key description's attestationChallenge is not clientDataHash")
	}
	if kd.software.allApplications || kd.tee.allApplications {
		return verdict{}, errcode.New(errcode.ErrAttestationInvalid, checkAndroidKey,
			"the key is usable by all applications (allApplications), not scoped to the RP ID")
	}
	lists := "teeEnforced"
	origins, purposes := kd.tee.origin, kd.tee.purpose
	if s.androidKeySoftware {
		lists = "teeEnforced or softwareEnforced"
		origins = append(append([]int64(nil), kd.tee.origin...), kd.software.origin...)
		purposes = append(append([]int64(nil), kd.tee.purpose...), kd.software.purpose...)
	}
	// An absent origin must not read as 0, KM_ORIGIN_GENERATED; and where
	// both lists carry one, both must say GENERATED.
	if len(origins) == 0 {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkAndroidKey,
			"the key description has no origin in "+lists, "KM_ORIGIN_GENERATED", "nothing")
	}
	for _, o := range origins {
		if o != kmOriginGenerated {
			return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkAndroidKey,
				"the key was not generated in the keystore (origin)", "KM_ORIGIN_GENERATED (0)", strconv.FormatInt(o, 10))
		}
	}
	if !slices.Contains(purposes, kmPurposeSign) {
		return verdict{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkAndroidKey,
			"the key's purpose in "+lists+" does not include signing", "KM_PURPOSE_SIGN (2)", intList(purposes))
	}
	return verdict{typ: TypeBasic, trustPath: certs, leafDatesUnchecked: true}, nil
}

func intList(list []int64) string {
	if len(list) == 0 {
		return "nothing"
	}
	s := ""
	for i, v := range list {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatInt(v, 10)
	}
	return s
}

// keyDescription is what the procedure reads from the KeyDescription
// extension (Android key attestation certificate schema).
type keyDescription struct {
	challenge     []byte
	software, tee authorizationList
}

// authorizationList holds the AuthorizationList fields the procedure
// checks. origin is a slice so that "absent" differs from 0.
type authorizationList struct {
	purpose         []int64
	origin          []int64
	allApplications bool
}

func keyDescriptionOf(c *x509.Certificate) (keyDescription, error) {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidAndroidKeyDescription) {
			return parseKeyDescription(e.Value)
		}
	}
	return keyDescription{}, errcode.Mismatch(errcode.ErrAttestationInvalid, checkAndroidKeyCertReqs,
		"the attestation certificate has no Android key description extension", "1.3.6.1.4.1.11129.2.1.17", "none")
}

// parseKeyDescription parses KeyDescription in DER, strictly: every field
// of the schema in order and nothing after hardwareEnforced.
func parseKeyDescription(der []byte) (keyDescription, error) {
	var kd keyDescription
	malformed := func(what string) error {
		return errcode.New(errcode.ErrAttestationInvalid, checkAndroidKeyCertReqs,
			"the Android key description is malformed: "+what)
	}
	in := cryptobyte.String(der)
	var seq, challenge, uniqueID, sw, tee cryptobyte.String
	var attVersion, kmVersion int64
	var attLevel, kmLevel int
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return kd, malformed("not one DER SEQUENCE")
	}
	if !seq.ReadASN1Integer(&attVersion) || !seq.ReadASN1Enum(&attLevel) ||
		!seq.ReadASN1Integer(&kmVersion) || !seq.ReadASN1Enum(&kmLevel) ||
		!seq.ReadASN1(&challenge, cbasn1.OCTET_STRING) || !seq.ReadASN1(&uniqueID, cbasn1.OCTET_STRING) ||
		!seq.ReadASN1(&sw, cbasn1.SEQUENCE) || !seq.ReadASN1(&tee, cbasn1.SEQUENCE) || !seq.Empty() {
		return kd, malformed("its fields do not follow the schema")
	}
	kd.challenge = challenge
	var err error
	if kd.software, err = parseAuthorizationList(sw); err != nil {
		return kd, malformed("softwareEnforced: " + err.Error())
	}
	if kd.tee, err = parseAuthorizationList(tee); err != nil {
		return kd, malformed("hardwareEnforced: " + err.Error())
	}
	return kd, nil
}

type listError string

func (e listError) Error() string { return string(e) }

// parseAuthorizationList reads every element of an AuthorizationList. The
// three tags the procedure needs are typed strictly; every other tag is
// skipped one element at a time (KeyMint keeps adding tags), so no unknown
// tag can make the reader step over purpose, allApplications or origin.
// A tag that appears twice is refused: the two values could disagree.
func parseAuthorizationList(s cryptobyte.String) (authorizationList, error) {
	var l authorizationList
	seen := map[uint32]bool{}
	for !s.Empty() {
		tag, content, ok := readExplicitTag(&s)
		if !ok {
			return l, listError("an element is not a DER context-specific EXPLICIT tag")
		}
		if seen[tag] {
			return l, listError("tag [" + strconv.FormatUint(uint64(tag), 10) + "] appears twice")
		}
		seen[tag] = true
		switch tag {
		case kmTagPurpose:
			var set cryptobyte.String
			if !content.ReadASN1(&set, cbasn1.SET) || !content.Empty() {
				return l, listError("purpose is not a SET OF INTEGER")
			}
			for !set.Empty() {
				var v int64
				if !set.ReadASN1Integer(&v) {
					return l, listError("purpose is not a SET OF INTEGER")
				}
				l.purpose = append(l.purpose, v)
			}
		case kmTagAllApplications:
			var null cryptobyte.String
			if !content.ReadASN1(&null, cbasn1.NULL) || !null.Empty() || !content.Empty() {
				return l, listError("allApplications is not NULL")
			}
			l.allApplications = true
		case kmTagOrigin:
			var v int64
			if !content.ReadASN1Integer(&v) || !content.Empty() {
				return l, listError("origin is not an INTEGER")
			}
			l.origin = []int64{v}
		}
	}
	return l, nil
}

// readExplicitTag reads one DER element of class context-specific,
// constructed, and returns its tag number and content. cryptobyte reads only
// tag numbers below 31; AuthorizationList uses numbers up to the 700s, in
// the high-tag-number form of X.690 8.1.2.4, which is decoded here with the
// DER rules: no leading 0x80 octet, and the high form only for numbers of
// 31 or more.
func readExplicitTag(s *cryptobyte.String) (tag uint32, content cryptobyte.String, ok bool) {
	var id uint8
	if !s.ReadUint8(&id) || id&0xe0 != 0xa0 { // context-specific, constructed
		return 0, nil, false
	}
	tag = uint32(id & 0x1f)
	if tag == 0x1f {
		tag = 0
		for i := 0; ; i++ {
			var b uint8
			if !s.ReadUint8(&b) || i == 4 || (i == 0 && b == 0x80) {
				return 0, nil, false
			}
			tag = tag<<7 | uint32(b&0x7f)
			if b&0x80 == 0 {
				break
			}
		}
		if tag < 0x1f {
			return 0, nil, false
		}
	}
	var lenByte uint8
	if !s.ReadUint8(&lenByte) {
		return 0, nil, false
	}
	length := uint32(lenByte)
	if lenByte&0x80 != 0 {
		n := int(lenByte & 0x7f)
		if n == 0 || n > 4 {
			return 0, nil, false
		}
		length = 0
		for i := 0; i < n; i++ {
			var b uint8
			if !s.ReadUint8(&b) || (i == 0 && b == 0) {
				return 0, nil, false
			}
			length = length<<8 | uint32(b)
		}
		if length < 0x80 {
			return 0, nil, false
		}
	}
	if !s.ReadBytes((*[]byte)(&content), int(length)) {
		return 0, nil, false
	}
	return tag, content, true
}
