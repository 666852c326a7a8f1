package roots

import (
	"crypto/x509"
	_ "embed"
)

// The embedded roots; README.md gives the source of each.
var (
	//go:embed apple_webauthn_root_ca.pem
	appleWebAuthnRootCA string

	//go:embed google_hardware_attestation_root_1.pem
	googleHardwareRoot1 string
	//go:embed google_hardware_attestation_root_2.pem
	googleHardwareRoot2 string
	//go:embed google_hardware_attestation_root_3.pem
	googleHardwareRoot3 string
	//go:embed google_hardware_attestation_root_4.pem
	googleHardwareRoot4 string
	//go:embed google_key_attestation_ca1.pem
	googleKeyAttestationCA1 string

	//go:embed globalsign_root_ca.pem
	globalSignRootCA string
	//go:embed globalsign_root_ca_r2.pem
	globalSignRootCAR2 string

	//go:embed microsoft_tpm_root_ca_2014.pem
	microsoftTPMRootCA2014 string
)

// Apple returns the root of the apple format
// (#sctn-apple-anonymous-attestation): Apple WebAuthn Root CA.
func Apple() *x509.CertPool {
	return pool(appleWebAuthnRootCA)
}

// AndroidKey returns the roots of the android-key format
// (#sctn-android-key-attestation): Google's hardware attestation roots. The
// RSA root (subject serialNumber=f92009e853b6b045) in the four issues Google
// has published, which share one key and differ in validity period, and
// the EC P-384 root Key Attestation CA1 that signs remotely provisioned
// keys from February 2026.
func AndroidKey() *x509.CertPool {
	return pool(googleHardwareRoot1, googleHardwareRoot2, googleHardwareRoot3, googleHardwareRoot4,
		googleKeyAttestationCA1)
}

// SafetyNet returns the roots of the android-safetynet format
// (#sctn-android-safetynet-attestation): GlobalSign Root CA, to which the
// service's chains lead through Google Trust Services, and GlobalSign Root
// CA - R2, which anchored them until 2021 and has expired since (it only
// serves responses verified at a time before 2021-12-15). The SafetyNet
// service is shut down; these serve recorded responses.
func SafetyNet() *x509.CertPool {
	return pool(globalSignRootCA, globalSignRootCAR2)
}

// TPM returns the roots of the tpm format (#sctn-tpm-attestation) as
// Windows Hello produces it: Microsoft TPM Root Certificate Authority 2014,
// which issues the attestation CAs of Windows' AIK certificates. Other
// platforms' TPM attestation CAs are found through FIDO metadata.
func TPM() *x509.CertPool {
	return pool(microsoftTPMRootCA2014)
}

// pool parses pems into a new pool. The PEM is embedded and a test parses
// every block, so a failure cannot happen at run time; were one block
// unreadable, its root would be missing and chains to it would fail to
// verify, which fails closed.
func pool(pems ...string) *x509.CertPool {
	p := x509.NewCertPool()
	for _, pem := range pems {
		p.AppendCertsFromPEM([]byte(pem))
	}
	return p
}
