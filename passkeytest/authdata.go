package passkeytest

import (
	"crypto/sha256"
	"encoding/binary"
)

// Authenticator data flags (#sctn-authenticator-data).
const (
	flagUP byte = 1 << 0
	flagUV byte = 1 << 2
	flagBE byte = 1 << 3
	flagBS byte = 1 << 4
	flagAT byte = 1 << 6
	flagED byte = 1 << 7
)

// flagSet is the authenticator's natural choice of flags before knobs.
type flagSet struct{ up, uv, be, bs, at, ed bool }

func (f flagSet) byteWith(k *Knobs) byte {
	var b byte
	for _, x := range []struct {
		force   Force
		natural bool
		bit     byte
	}{
		{k.UP, f.up, flagUP}, {k.UV, f.uv, flagUV}, {k.BE, f.be, flagBE},
		{k.BS, f.bs, flagBS}, {k.AT, f.at, flagAT}, {k.ED, f.ed, flagED},
	} {
		if x.force.apply(x.natural) {
			b |= x.bit
		}
	}
	return b
}

// authData lays out authenticator data: rpIdHash ‖ flags ‖ signCount ‖
// attestedCredentialData ‖ extensions (#sctn-authenticator-data,
// #sctn-attested-credential-data).
func authData(rpID string, flags byte, counter uint32, attested, extensions []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := make([]byte, 0, 37+len(attested)+len(extensions))
	out = append(out, h[:]...)
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, counter)
	out = append(out, attested...)
	return append(out, extensions...)
}

// attestedCredentialData is aaguid ‖ credentialIdLength (uint16) ‖
// credentialId ‖ credentialPublicKey. The caller keeps the ID within 65535
// bytes.
func attestedCredentialData(aaguid [16]byte, credID, coseKey []byte) []byte {
	out := make([]byte, 0, 18+len(credID)+len(coseKey))
	out = append(out, aaguid[:]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(credID)))
	out = append(out, credID...)
	return append(out, coseKey...)
}
