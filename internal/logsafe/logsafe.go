// Package logsafe makes values a client chose safe to repeat in an error
// message or a log line.
package logsafe

import (
	"strconv"
	"unicode/utf8"
)

// Printable returns v cut to at most max bytes (on a rune boundary, marked
// with "...") and, if it holds control characters, non-ASCII, quotes or
// backslashes, escaped as a Go string literal's content, so that it cannot
// forge log lines or break a quoted field.
func Printable(v string, max int) string {
	cut := false
	if len(v) > max {
		n := max
		for n > 0 && !utf8.RuneStart(v[n]) {
			n--
		}
		v, cut = v[:n], true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			q := strconv.QuoteToASCII(v)
			v = q[1 : len(q)-1]
			break
		}
	}
	if cut {
		v += "..."
	}
	return v
}
