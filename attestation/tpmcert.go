package attestation

import (
	"crypto/x509"
	"encoding/asn1"
	"strings"

	"github.com/gopasskey/passkey/errcode"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidExtSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}
	// oidTCGKpAIKCertificate is tcg-kp-AIKCertificate, the EKU an AIK
	// certificate must carry.
	oidTCGKpAIKCertificate = asn1.ObjectIdentifier{2, 23, 133, 8, 3}
	// The TPM attributes of the SAN directoryName (TCG EK Credential
	// Profile, 3.2.9).
	oidTPMManufacturer = asn1.ObjectIdentifier{2, 23, 133, 2, 1}
	oidTPMModel        = asn1.ObjectIdentifier{2, 23, 133, 2, 2}
	oidTPMVersion      = asn1.ObjectIdentifier{2, 23, 133, 2, 3}
)

// tpmVendors is the TCG TPM Vendor ID Registry (Family 1.2 and 2.0,
// version 1.07), keyed by the upper-case hex of the vendor ID, plus the ID
// the FIDO conformance tools use for their simulated TPM.
var tpmVendors = map[string]string{
	"414D4400": "AMD",
	"414E5400": "Ant Group",
	"41544D4C": "Atmel",
	"4252434D": "Broadcom",
	"4353434F": "Cisco",
	"464C5953": "Flyslice Technologies",
	"524F4343": "Fuzhou Rockchip",
	"474F4F47": "Google",
	"48504900": "HPI",
	"48504500": "HPE",
	"48495349": "Huawei",
	"49424D00": "IBM",
	"49465800": "Infineon",
	"494E5443": "Intel",
	"4C454E00": "Lenovo",
	"4D534654": "Microsoft",
	"4E534D20": "National Semiconductor",
	"4E545A00": "Nationz",
	"4E534700": "NSING",
	"4E544300": "Nuvoton Technology",
	"51434F4D": "Qualcomm",
	"534D534E": "Samsung",
	"53454345": "SecEdge",
	"534E5300": "Sinosun",
	"534D5343": "SMSC",
	"53544D20": "STMicroelectronics",
	"54584E00": "Texas Instruments",
	"57454300": "Winbond",
	"5345414C": "Wisekey",
	"FFFFF1D0": "FIDO Alliance conformance testing",
}

// checkTPMCert applies #sctn-tpm-cert-requirements to the AIK certificate.
// Unless anyVendor is set, the TPM manufacturer must also be in the TCG
// vendor registry, as go-webauthn requires: WebAuthn only points at the EK
// profile, whose manufacturer attribute names a registered vendor (the
// spec's own TPM test vector uses the unregistered id:00000000).
func checkTPMCert(c *x509.Certificate, anyVendor bool) error {
	const which = "the AIK certificate"
	if err := requireV3(c, checkTPMCertReqs, which); err != nil {
		return err
	}
	if len(c.Subject.Names) != 0 {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs, "the AIK certificate's Subject is not empty",
			"an empty Subject", printable(c.Subject.String()))
	}
	if err := checkTPMSAN(c, anyVendor); err != nil {
		return err
	}
	if !hasOID(c.UnknownExtKeyUsage, oidTCGKpAIKCertificate) {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
			"the AIK certificate's extended key usage lacks tcg-kp-AIKCertificate", "2.23.133.8.3", "not listed")
	}
	return requireNotCA(c, checkTPMCertReqs, which)
}

func hasOID(list []asn1.ObjectIdentifier, oid asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(oid) {
			return true
		}
	}
	return false
}

// checkTPMSAN checks the Subject Alternative Name of TCG EK Credential
// Profile 3.2.9: critical (the Subject is empty), with a directoryName
// holding the TPM manufacturer, model and version exactly once each.
// Deployed TPMs put the three attributes in one RDN or in three; both are
// read.
func checkTPMSAN(c *x509.Certificate, anyVendor bool) error {
	var ext []byte
	critical := false
	for _, e := range c.Extensions {
		if e.Id.Equal(oidExtSubjectAltName) {
			ext, critical = e.Value, e.Critical
		}
	}
	if ext == nil {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
			"the AIK certificate has no subject alternative name", "a SAN with the TPM's identity", "none")
	}
	if !critical {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
			"the AIK certificate's subject alternative name is not critical", "critical", "non-critical")
	}
	malformed := errcode.New(errcode.ErrAttestationInvalid, checkTPMCertReqs,
		"the AIK certificate's subject alternative name is malformed")

	attrs := map[string]string{}
	in := cryptobyte.String(ext)
	var names cryptobyte.String
	if !in.ReadASN1(&names, cbasn1.SEQUENCE) || !in.Empty() || names.Empty() {
		return malformed
	}
	for !names.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&gn, &tag) {
			return malformed
		}
		if tag != cbasn1.Tag(4).Constructed().ContextSpecific() {
			continue // another kind of GeneralName
		}
		var rdns cryptobyte.String
		if !gn.ReadASN1(&rdns, cbasn1.SEQUENCE) || !gn.Empty() {
			return malformed
		}
		for !rdns.Empty() {
			var rdn cryptobyte.String
			if !rdns.ReadASN1(&rdn, cbasn1.SET) || rdn.Empty() {
				return malformed
			}
			for !rdn.Empty() {
				var atv, value cryptobyte.String
				var oid asn1.ObjectIdentifier
				var vtag cbasn1.Tag
				if !rdn.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) ||
					!atv.ReadAnyASN1(&value, &vtag) || !atv.Empty() {
					return malformed
				}
				var key string
				switch {
				case oid.Equal(oidTPMManufacturer):
					key = "tpmManufacturer"
				case oid.Equal(oidTPMModel):
					key = "tpmModel"
				case oid.Equal(oidTPMVersion):
					key = "tpmVersion"
				default:
					continue
				}
				if vtag != cbasn1.UTF8String && vtag != cbasn1.PrintableString {
					return errcode.New(errcode.ErrAttestationInvalid, checkTPMCertReqs,
						"the AIK certificate's "+key+" is not a string")
				}
				if _, dup := attrs[key]; dup {
					return errcode.New(errcode.ErrAttestationInvalid, checkTPMCertReqs,
						"the AIK certificate's subject alternative name repeats "+key)
				}
				attrs[key] = string(value)
			}
		}
	}
	for _, key := range []string{"tpmManufacturer", "tpmModel", "tpmVersion"} {
		if _, ok := attrs[key]; !ok {
			return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
				"the AIK certificate's subject alternative name lacks "+key, key, "nothing")
		}
	}
	vendor, ok := strings.CutPrefix(attrs["tpmManufacturer"], "id:")
	if !ok || len(vendor) != 8 || !isHex(vendor) {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
			"the AIK certificate's tpmManufacturer is not a vendor ID", "id: and 8 hex digits", printable(attrs["tpmManufacturer"]))
	}
	if _, registered := tpmVendors[strings.ToUpper(vendor)]; !registered && !anyVendor {
		return errcode.Mismatch(errcode.ErrAttestationInvalid, checkTPMCertReqs,
			"the AIK certificate's TPM manufacturer is not in the TCG vendor registry", "a registered vendor ID", vendor)
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (s[i] < '0' || s[i] > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
