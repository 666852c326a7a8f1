package credential

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAAGUIDString(t *testing.T) {
	a := AAGUID(unhex("f24a8e70d0d3f82c293732523cc4de5a"))
	if got, want := a.String(), "f24a8e70-d0d3-f82c-2937-32523cc4de5a"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (AAGUID{}).String(); got != "00000000-0000-0000-0000-000000000000" {
		t.Errorf("zero String() = %q", got)
	}
}

func TestParseAAGUID(t *testing.T) {
	want := AAGUID(unhex("adce000235bcc60a648b0b25f1f05503"))
	for _, s := range []string{"adce0002-35bc-c60a-648b-0b25f1f05503", "ADCE0002-35BC-C60A-648B-0B25F1F05503"} {
		got, err := ParseAAGUID(s)
		if err != nil || got != want {
			t.Errorf("ParseAAGUID(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, c := range []struct{ name, s string }{
		{"empty", ""},
		{"no dashes", "adce000235bcc60a648b0b25f1f05503"},
		{"one short", "adce0002-35bc-c60a-648b-0b25f1f0550"},
		{"one long", "adce0002-35bc-c60a-648b-0b25f1f055031"},
		{"dash moved", "adce000-235bc-c60a-648b-0b25f1f05503"},
		{"dash where a digit goes, digit where a dash goes", "adce0002035bc-c60a-648b-0b25f1f0550-"},
		{"not hex", "adce0002-35bc-c60a-648b-0b25f1f0550g"},
		{"braces", "{adce0002-35bc-c60a-648b-0b25f1f055}"},
		{"plus sign", "+dce0002-35bc-c60a-648b-0b25f1f05503"},
	} {
		if got, err := ParseAAGUID(c.s); err == nil {
			t.Errorf("%s: ParseAAGUID(%q) = %v, want an error", c.name, c.s, got)
		}
	}
}

func TestAAGUIDRoundTrip(t *testing.T) {
	for i := 0; i < 256; i++ {
		var a AAGUID
		for j := range a {
			a[j] = byte(i*16 + j*7)
		}
		got, err := ParseAAGUID(a.String())
		if err != nil || got != a {
			t.Fatalf("ParseAAGUID(%s) = %v, %v", a, got, err)
		}
	}
}

func TestAAGUIDIsZero(t *testing.T) {
	if !(AAGUID{}).IsZero() {
		t.Error("zero AAGUID: IsZero() = false")
	}
	for i := 0; i < 16; i++ {
		var a AAGUID
		a[i] = 1
		if a.IsZero() {
			t.Errorf("byte %d set: IsZero() = true", i)
		}
	}
}

func TestAAGUIDText(t *testing.T) {
	a := AAGUID(unhex("08987058cadc4b81b6e130de50dcbe96"))
	b, err := json.Marshal(map[string]AAGUID{"aaguid": a})
	if err != nil || string(b) != `{"aaguid":"08987058-cadc-4b81-b6e1-30de50dcbe96"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var back map[string]AAGUID
	if err := json.Unmarshal(b, &back); err != nil || back["aaguid"] != a {
		t.Errorf("json.Unmarshal = %v, %v", back, err)
	}
	orig := a
	if err := a.UnmarshalText([]byte("nope")); err == nil || a != orig {
		t.Errorf("UnmarshalText(bad) = %v and changed the value to %v", err, a)
	}
	if err := a.UnmarshalText([]byte(strings.Repeat("0", 8) + "-0000-0000-0000-" + strings.Repeat("0", 12))); err != nil || !a.IsZero() {
		t.Errorf("UnmarshalText(zero) = %v, %v", err, a)
	}
}
