package main

import "github.com/gopasskey/passkey/credential"

// modelNames names a few common authenticator models by AAGUID, as listed
// by the community list github.com/passkeydeveloper/passkey-authenticator-aaguids
// (and Chromium's virtual authenticator, which the browser test uses). A
// real site would load the whole list, or the FIDO Metadata Service
// (package attestation/metadata), instead.
type modelNames map[credential.AAGUID]string

func newModelNames() modelNames {
	m := modelNames{}
	for s, name := range map[string]string{
		"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
		"fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "iCloud Keychain",
		"dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "iCloud Keychain (Managed)",
		"adce0002-35bc-c60a-648b-0b25f1f05503": "Chrome on Mac",
		"08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
		"9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello",
		"6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello",
		"bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
		"d548826e-79b4-db40-a3d8-11116f7e8349": "Bitwarden",
		"01020304-0506-0708-0102-030405060708": "Chromium virtual authenticator",
	} {
		a, err := credential.ParseAAGUID(s)
		if err == nil {
			m[a] = name
		}
	}
	return m
}

// AuthenticatorName satisfies passkey.AuthenticatorNames.
func (m modelNames) AuthenticatorName(aaguid [16]byte) string {
	return m[credential.AAGUID(aaguid)]
}
