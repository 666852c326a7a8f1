package credential

import "testing"

func TestTristate(t *testing.T) {
	for _, c := range []struct {
		v           Tristate
		known, bool bool
		str         string
	}{
		{Unknown, false, false, "unknown"},
		{False, true, false, "false"},
		{True, true, true, "true"},
		{Tristate(3), false, false, "Tristate(3)"},
	} {
		if c.v.Known() != c.known || c.v.Bool() != c.bool || c.v.String() != c.str {
			t.Errorf("%d: Known %v, Bool %v, String %q; want %v, %v, %q", c.v, c.v.Known(), c.v.Bool(), c.v.String(), c.known, c.bool, c.str)
		}
	}
	if Unknown != 0 {
		t.Error("the zero value is not Unknown")
	}
	if TristateOf(true) != True || TristateOf(false) != False {
		t.Error("TristateOf")
	}
}
