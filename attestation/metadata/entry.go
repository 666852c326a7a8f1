package metadata

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// Entry is one MetadataBLOBPayloadEntry (MDS3 #metadata-blob-payload-entry-dictionary):
// the metadata statement of one authenticator model and its status reports.
// Entries are shared by every look-up; do not modify them.
type Entry struct {
	// AAGUID identifies a FIDO2 model; zero for U2F and UAF entries.
	AAGUID [16]byte
	// AAID identifies a UAF model, "" otherwise.
	AAID string
	// KeyIdentifiers are the attestationCertificateKeyIdentifiers (U2F,
	// and some FIDO2 models), lower-case hex.
	KeyIdentifiers []string
	// Statement is the metadata statement.
	Statement Statement
	// StatusReports are the status reports, in document order.
	StatusReports []StatusReport
	// TimeOfLastStatusChange is the date of the last status change (zero
	// when absent or unreadable).
	TimeOfLastStatusChange time.Time
	// RogueListURL and RogueListHash point to a list of rogue
	// authenticators, "" when absent.
	RogueListURL, RogueListHash string
}

// Statement is the part of a metadata statement (FIDO Metadata Statement
// §4) this package reads. Raw holds the whole statement for anything else.
type Statement struct {
	// Description is the human-readable model name ("YubiKey 5 Series").
	Description string
	// Icon is a data: URL of the model's icon, "" when absent.
	Icon string
	// AuthenticatorVersion is the earliest firmware version meeting the
	// statement.
	AuthenticatorVersion uint64
	// ProtocolFamily is "fido2", "u2f" or "uaf".
	ProtocolFamily string
	// Schema is the statement schema version.
	Schema int
	// AttestationTypes are the attestation types the model supports
	// ("basic_full", "basic_surrogate", "attca", "anonca", "none").
	AttestationTypes []string
	// AttestationRootCertificates are the model's attestation trust
	// anchors. Certificates that did not parse are left out (and listed in
	// [BLOB.Problems]).
	AttestationRootCertificates []*x509.Certificate
	// Raw is the statement's JSON as it appeared in the BLOB.
	Raw json.RawMessage
}

// entryJSON is the wire form of an entry.
type entryJSON struct {
	AAID                                 string          `json:"aaid"`
	AAGUID                               *string         `json:"aaguid"`
	AttestationCertificateKeyIdentifiers []string        `json:"attestationCertificateKeyIdentifiers"`
	MetadataStatement                    json.RawMessage `json:"metadataStatement"`
	StatusReports                        []statusJSON    `json:"statusReports"`
	TimeOfLastStatusChange               string          `json:"timeOfLastStatusChange"`
	RogueListURL                         string          `json:"rogueListURL"`
	RogueListHash                        string          `json:"rogueListHash"`
}

type statusJSON struct {
	Status                           *string `json:"status"`
	EffectiveDate                    string  `json:"effectiveDate"`
	SunsetDate                       string  `json:"sunsetDate"`
	AuthenticatorVersion             uint64  `json:"authenticatorVersion"`
	Certificate                      []byte  `json:"certificate"`
	BatchCertificate                 []byte  `json:"batchCertificate"`
	URL                              string  `json:"url"`
	CertificationDescriptor          string  `json:"certificationDescriptor"`
	CertificateNumber                string  `json:"certificateNumber"`
	CertificationPolicyVersion       string  `json:"certificationPolicyVersion"`
	CertificationRequirementsVersion string  `json:"certificationRequirementsVersion"`
}

type statementJSON struct {
	Description                 string   `json:"description"`
	Icon                        string   `json:"icon"`
	AuthenticatorVersion        uint64   `json:"authenticatorVersion"`
	ProtocolFamily              string   `json:"protocolFamily"`
	Schema                      int      `json:"schema"`
	AttestationTypes            []string `json:"attestationTypes"`
	AttestationRootCertificates []string `json:"attestationRootCertificates"`
}

// parseEntry decodes one entry. An error means the entry cannot be relied
// on (its identity or its status reports are unreadable) and is skipped;
// problems returns what was left out of an entry that is kept.
//
// certs caches the certificates parsed so far, by their base64 text:
// many models share a root, and parsing dominates loading otherwise.
func parseEntry(raw json.RawMessage, certs map[string]*x509.Certificate) (e Entry, problems []string, err error) {
	var w entryJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		return Entry{}, nil, err
	}
	e.AAID = w.AAID
	if w.AAGUID != nil {
		if e.AAGUID, err = ParseAAGUID(*w.AAGUID); err != nil {
			return Entry{}, nil, err
		}
	}
	for _, id := range w.AttestationCertificateKeyIdentifiers {
		b, err := parseKeyIdentifier(id)
		if err != nil {
			return Entry{}, nil, err
		}
		e.KeyIdentifiers = append(e.KeyIdentifiers, hex.EncodeToString(b[:]))
	}
	// statusReports is required; an entry without it cannot say whether the
	// model is trusted.
	if w.StatusReports == nil {
		return Entry{}, nil, errors.New("statusReports missing")
	}
	e.StatusReports = make([]StatusReport, len(w.StatusReports))
	for i, s := range w.StatusReports {
		if s.Status == nil || *s.Status == "" {
			return Entry{}, nil, errors.New("a status report has no status")
		}
		r := StatusReport{
			Status:                           Status(*s.Status),
			AuthenticatorVersion:             s.AuthenticatorVersion,
			Certificate:                      s.Certificate,
			BatchCertificate:                 s.BatchCertificate,
			URL:                              s.URL,
			CertificationDescriptor:          s.CertificationDescriptor,
			CertificateNumber:                s.CertificateNumber,
			CertificationPolicyVersion:       s.CertificationPolicyVersion,
			CertificationRequirementsVersion: s.CertificationRequirementsVersion,
		}
		if r.EffectiveDate, err = parseOptionalDate(s.EffectiveDate); err != nil {
			return Entry{}, nil, errors.New("a status report's effectiveDate: " + err.Error())
		}
		if r.SunsetDate, err = parseOptionalDate(s.SunsetDate); err != nil {
			return Entry{}, nil, errors.New("a status report's sunsetDate: " + err.Error())
		}
		e.StatusReports[i] = r
	}
	if t, err := parseOptionalDate(w.TimeOfLastStatusChange); err == nil {
		e.TimeOfLastStatusChange = t
	} else {
		problems = append(problems, "timeOfLastStatusChange unreadable")
	}
	e.RogueListURL, e.RogueListHash = w.RogueListURL, w.RogueListHash

	if len(w.MetadataStatement) > 0 && string(w.MetadataStatement) != "null" {
		var s statementJSON
		if err := json.Unmarshal(w.MetadataStatement, &s); err != nil {
			return Entry{}, nil, errors.New("metadataStatement: " + err.Error())
		}
		e.Statement = Statement{
			Description:          s.Description,
			Icon:                 s.Icon,
			AuthenticatorVersion: s.AuthenticatorVersion,
			ProtocolFamily:       s.ProtocolFamily,
			Schema:               s.Schema,
			AttestationTypes:     s.AttestationTypes,
			Raw:                  w.MetadataStatement,
		}
		for _, b64 := range s.AttestationRootCertificates {
			c, ok := certs[b64]
			if !ok {
				if c, err = parseStdBase64Cert(b64); err != nil {
					problems = append(problems, "an attestationRootCertificates member does not parse: "+err.Error())
					continue
				}
				certs[b64] = c
			}
			e.Statement.AttestationRootCertificates = append(e.Statement.AttestationRootCertificates, c)
		}
	}
	return e, problems, nil
}

// ParseAAGUID reads an AAGUID in the dashed UUID form the BLOB uses
// ("0132d110-bf4e-4208-a403-ab4f5f12efe5"). Upper-case hex is accepted.
func ParseAAGUID(s string) ([16]byte, error) {
	var out [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return out, errors.New("an AAGUID is not a dashed UUID")
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(out[:], []byte(h)); err != nil {
		return [16]byte{}, errors.New("an AAGUID is not hex")
	}
	return out, nil
}

// FormatAAGUID writes an AAGUID in the lower-case dashed form.
func FormatAAGUID(a [16]byte) string {
	h := hex.EncodeToString(a[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// parseKeyIdentifier reads 40 hex digits.
func parseKeyIdentifier(s string) ([20]byte, error) {
	var out [20]byte
	if len(s) != 40 {
		return out, errors.New("an attestation certificate key identifier is not 40 hex digits")
	}
	if _, err := hex.Decode(out[:], []byte(s)); err != nil {
		return [20]byte{}, errors.New("an attestation certificate key identifier is not hex")
	}
	return out, nil
}

// KeyIdentifier returns the attestation certificate key identifier of c as
// MDS3 uses it for fido-u2f: the lower-case hex SHA-1 of the bits of the
// certificate's subjectPublicKey (RFC 5280 §4.2.1.2 method 1).
func KeyIdentifier(c *x509.Certificate) (string, error) {
	id, err := keyIdentifier(c)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(id[:]), nil
}

func keyIdentifier(c *x509.Certificate) ([20]byte, error) {
	var spki struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if c == nil {
		return [20]byte{}, errors.New("metadata: no certificate")
	}
	rest, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki)
	if err != nil || len(rest) != 0 {
		return [20]byte{}, errors.New("metadata: certificate subjectPublicKeyInfo unreadable")
	}
	return sha1.Sum(spki.PublicKey.Bytes), nil
}

// dayFormat is the date form of MDS3 (ISO 8601 full-date).
const dayFormat = time.DateOnly

func parseOptionalDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(dayFormat, s)
}
