package credential

import "strconv"

// Tristate is a boolean that may not be known, for record fields that older
// or imported records never learned (such as BE for a U2F credential).
// The zero value is [Unknown].
type Tristate uint8

// The Tristate values.
const (
	// Unknown: the value was never recorded.
	Unknown Tristate = iota
	// False: recorded as false.
	False
	// True: recorded as true.
	True
)

// TristateOf returns the known value b.
func TristateOf(b bool) Tristate {
	if b {
		return True
	}
	return False
}

// Known reports whether t holds a recorded value.
func (t Tristate) Known() bool { return t == False || t == True }

// Bool reports whether t is True; Unknown reads as false, so check Known
// first where the difference matters.
func (t Tristate) Bool() bool { return t == True }

// String returns "unknown", "false" or "true" (or "Tristate(n)" for an
// invalid value).
func (t Tristate) String() string {
	switch t {
	case Unknown:
		return "unknown"
	case False:
		return "false"
	case True:
		return "true"
	}
	return "Tristate(" + strconv.Itoa(int(t)) + ")"
}

// valid reports whether t is one of the three defined values.
func (t Tristate) valid() bool { return t <= True }
