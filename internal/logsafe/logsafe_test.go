package logsafe

import "testing"

func TestPrintable(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"https://example.com", 200, "https://example.com"},
		{"a\nb", 200, `a\nb`},
		{`say "hi"`, 200, `say \"hi\"`},
		{"é", 200, `\u00e9`},
		{"abcdef", 3, "abc..."},
		{"aé", 2, "a..."}, // never cut inside a rune
		{"", 3, ""},
	}
	for _, c := range cases {
		if got := Printable(c.in, c.max); got != c.want {
			t.Errorf("Printable(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
