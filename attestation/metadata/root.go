package metadata

import (
	"bytes"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
)

// mdsRootPEM is GlobalSign Root CA – R3; the file names its source, date
// and fingerprint.
//
//go:embed mdsroot.pem
var mdsRootPEM []byte

// fidoRoot is parsed once; it is never modified.
var fidoRoot = mustParseRoot(mdsRootPEM)

// mustParseRoot parses the embedded PEM. It cannot fail at run time: the
// file is part of the source and a test parses it.
func mustParseRoot(data []byte) *x509.Certificate {
	block, _ := pem.Decode(data)
	if block == nil {
		panic("metadata: embedded mdsroot.pem has no PEM block")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		panic("metadata: embedded mdsroot.pem: " + err.Error())
	}
	return c
}

// ProductionURL is where the FIDO Alliance publishes the MDS3 BLOB.
const ProductionURL = "https://mds3.fidoalliance.org/"

// FIDORoot returns the root of the production BLOB's signing chain,
// GlobalSign Root CA – R3 (valid until 2029-03-18), embedded in the
// package. It is the default of VerifyOptions.Roots. Each call returns a
// fresh copy.
func FIDORoot() *x509.Certificate {
	// ParseCertificate keeps the slice it is given: parse a copy.
	c, _ := x509.ParseCertificate(bytes.Clone(fidoRoot.Raw))
	return c
}
