package credential

import "testing"

func TestFlagAccessors(t *testing.T) {
	accessors := []struct {
		name string
		bit  Flags
		get  func(Flags) bool
	}{
		{"UserPresent", FlagUserPresent, Flags.UserPresent},
		{"UserVerified", FlagUserVerified, Flags.UserVerified},
		{"BackupEligible", FlagBackupEligible, Flags.BackupEligible},
		{"BackupState", FlagBackupState, Flags.BackupState},
		{"HasAttestedCredentialData", FlagAttestedCredentialData, Flags.HasAttestedCredentialData},
		{"HasExtensions", FlagExtensionData, Flags.HasExtensions},
	}
	// Each accessor reads exactly its own bit: on for every byte with the
	// bit set, off for every byte without it.
	for _, acc := range accessors {
		t.Run(acc.name, func(t *testing.T) {
			for i := 0; i < 256; i++ {
				f := Flags(i)
				if got, want := acc.get(f), f&acc.bit != 0; got != want {
					t.Fatalf("%s(%#02x) = %v, want %v", acc.name, i, got, want)
				}
			}
		})
	}
	// The spec's bit positions (#authdata-flags).
	for _, c := range []struct {
		bit  Flags
		want byte
	}{
		{FlagUserPresent, 1 << 0}, {FlagUserVerified, 1 << 2}, {FlagBackupEligible, 1 << 3},
		{FlagBackupState, 1 << 4}, {FlagAttestedCredentialData, 1 << 6}, {FlagExtensionData, 1 << 7},
	} {
		if byte(c.bit) != c.want {
			t.Errorf("flag %v is %#02x, want %#02x", c.bit, byte(c.bit), c.want)
		}
	}
}

func TestFlagsString(t *testing.T) {
	for _, c := range []struct {
		f    Flags
		want string
	}{
		{0, "none"},
		{FlagUserPresent, "UP"},
		{FlagUserPresent | FlagUserVerified | FlagAttestedCredentialData, "UP|UV|AT"},
		{0xff, "UP|RFU1|UV|BE|BS|RFU2|AT|ED"},
		{0x22, "RFU1|RFU2"},
	} {
		if got := c.f.String(); got != c.want {
			t.Errorf("Flags(%#02x).String() = %q, want %q", byte(c.f), got, c.want)
		}
	}
}
