package credential

import "strings"

// Flags is the flags byte of authenticator data (#authdata-flags). Each bit
// is read on its own: UV never implies UP, and the RFU bits are ignored so
// that a future authenticator setting them still parses.
type Flags byte

// The defined flag bits. Bits 1 (RFU1) and 5 (RFU2) are reserved.
const (
	// FlagUserPresent (UP): the authenticator tested the user's presence.
	FlagUserPresent Flags = 0x01
	// FlagUserVerified (UV): the authenticator verified the user.
	FlagUserVerified Flags = 0x04
	// FlagBackupEligible (BE): the credential may be backed up; fixed for the
	// credential's lifetime.
	FlagBackupEligible Flags = 0x08
	// FlagBackupState (BS): the credential is currently backed up.
	FlagBackupState Flags = 0x10
	// FlagAttestedCredentialData (AT): attested credential data follows the
	// signature counter.
	FlagAttestedCredentialData Flags = 0x40
	// FlagExtensionData (ED): an extensions map ends the authenticator data.
	FlagExtensionData Flags = 0x80
)

// UserPresent reports the UP bit.
func (f Flags) UserPresent() bool { return f&FlagUserPresent != 0 }

// UserVerified reports the UV bit.
func (f Flags) UserVerified() bool { return f&FlagUserVerified != 0 }

// BackupEligible reports the BE bit.
func (f Flags) BackupEligible() bool { return f&FlagBackupEligible != 0 }

// BackupState reports the BS bit.
func (f Flags) BackupState() bool { return f&FlagBackupState != 0 }

// HasAttestedCredentialData reports the AT bit.
func (f Flags) HasAttestedCredentialData() bool { return f&FlagAttestedCredentialData != 0 }

// HasExtensions reports the ED bit.
func (f Flags) HasExtensions() bool { return f&FlagExtensionData != 0 }

// flagNames lists the bits in order for String, RFU bits included so that a
// log line shows everything the authenticator sent.
var flagNames = [8]string{"UP", "RFU1", "UV", "BE", "BS", "RFU2", "AT", "ED"}

// String names the set bits, such as "UP|UV|AT", or "none".
func (f Flags) String() string {
	if f == 0 {
		return "none"
	}
	var b strings.Builder
	for i, name := range flagNames {
		if f&(1<<i) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(name)
	}
	return b.String()
}
