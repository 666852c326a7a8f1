package metadata

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Problem is a part of the BLOB that was left out because it could not be
// read: a whole entry (its identity or status reports are unreadable, so it
// is not indexed) or a field of a kept entry.
type Problem struct {
	// Entry is the entry's index in the BLOB's entries array.
	Entry int
	// Skipped reports that the whole entry was left out.
	Skipped bool
	// Detail says what could not be read.
	Detail string
}

// String formats the problem for a log line.
func (p Problem) String() string {
	what := "entry %d: "
	if p.Skipped {
		what = "entry %d skipped: "
	}
	return fmt.Sprintf(what, p.Entry) + p.Detail
}

// payloadJSON is MetadataBLOBPayload (MDS3 #metadata-blob-payload-dictionary).
type payloadJSON struct {
	LegalHeader string            `json:"legalHeader"`
	No          *int64            `json:"no"`
	NextUpdate  *string           `json:"nextUpdate"`
	Entries     []json.RawMessage `json:"entries"`
}

// contents is a parsed payload, indexed.
type contents struct {
	legalHeader string
	no          int64
	nextUpdate  time.Time
	entries     []*Entry
	byAAGUID    map[[16]byte]*Entry
	byKeyID     map[[20]byte]*Entry
	problems    []Problem
}

// parsePayload decodes and indexes a BLOB payload. Only the envelope (no,
// nextUpdate, entries) is required to be well formed; an entry that cannot
// be read is skipped and reported as a Problem.
func parsePayload(data []byte) (*contents, error) {
	var p payloadJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: payload is not a JSON object: %w", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the payload object", ErrMalformed)
	}
	switch {
	case p.No == nil:
		return nil, fmt.Errorf("%w: payload has no serial number (no)", ErrMalformed)
	case *p.No < 0:
		return nil, fmt.Errorf("%w: payload serial number (no) is negative", ErrMalformed)
	case p.NextUpdate == nil:
		return nil, fmt.Errorf("%w: payload has no nextUpdate", ErrMalformed)
	case p.Entries == nil:
		return nil, fmt.Errorf("%w: payload has no entries", ErrMalformed)
	}
	next, err := time.Parse(dayFormat, *p.NextUpdate)
	if err != nil {
		return nil, fmt.Errorf("%w: nextUpdate is not a YYYY-MM-DD date", ErrMalformed)
	}
	c := &contents{
		legalHeader: p.LegalHeader,
		no:          *p.No,
		nextUpdate:  next,
		entries:     make([]*Entry, 0, len(p.Entries)),
		byAAGUID:    make(map[[16]byte]*Entry, len(p.Entries)),
		byKeyID:     make(map[[20]byte]*Entry),
	}
	certs := map[string]*x509.Certificate{}
	for i, raw := range p.Entries {
		e, problems, err := parseEntry(raw, certs)
		for _, d := range problems {
			c.problems = append(c.problems, Problem{Entry: i, Detail: d})
		}
		if err != nil {
			c.problems = append(c.problems, Problem{Entry: i, Skipped: true, Detail: err.Error()})
			continue
		}
		c.add(i, &e)
	}
	return c, nil
}

// add indexes e. Two entries claiming the same AAGUID or key identifier
// should not occur; if they do, the first keeps its statement and roots,
// and the status reports of both are merged into it, so that a distrust
// report in either counts.
func (c *contents) add(i int, e *Entry) {
	c.entries = append(c.entries, e)
	if e.AAGUID != ([16]byte{}) {
		if prev, dup := c.byAAGUID[e.AAGUID]; dup {
			c.merge(i, prev, e, "AAGUID "+FormatAAGUID(e.AAGUID))
		} else {
			c.byAAGUID[e.AAGUID] = e
		}
	}
	for _, h := range e.KeyIdentifiers {
		id, _ := parseKeyIdentifier(h) // already validated by parseEntry
		if prev, dup := c.byKeyID[id]; dup {
			if prev != e {
				c.merge(i, prev, e, "key identifier "+h)
			}
		} else {
			c.byKeyID[id] = e
		}
	}
}

func (c *contents) merge(i int, into, from *Entry, what string) {
	into.StatusReports = append(into.StatusReports, from.StatusReports...)
	c.problems = append(c.problems, Problem{Entry: i,
		Detail: "a second entry for " + what + "; its status reports were merged into the first"})
}

// parseStdBase64Cert reads a certificate in standard base64 (RFC 4648 §4)
// DER, as attestationRootCertificates holds them. Unpadded and URL-safe
// forms, which have appeared in published statements, are accepted too:
// the BLOB is signed, so leniency here costs nothing.
func parseStdBase64Cert(s string) (*x509.Certificate, error) {
	s = strings.TrimRight(s, "=")
	der, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		if der, err = base64.RawURLEncoding.DecodeString(s); err != nil {
			return nil, errors.New("not base64")
		}
	}
	return x509.ParseCertificate(der)
}
