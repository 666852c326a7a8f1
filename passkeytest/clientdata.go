package passkeytest

import (
	"encoding/json"
	"slices"
	"strconv"
)

// ccdString serializes a string the way the spec's limited JSON
// serialization does (#clientdatajson-serialization, CCDToString): only '"',
// '\' and control characters are escaped, control characters as \u and four
// lower-case hex digits; everything else, non-ASCII included, is copied as
// UTF-8. (encoding/json would also escape <, >, & and U+2028/9.)
func ccdString(s string) json.RawMessage {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '"')
	for _, r := range s {
		switch {
		case r == '"':
			out = append(out, '\\', '"')
		case r == '\\':
			out = append(out, '\\', '\\')
		case r < 0x20:
			out = append(out, '\\', 'u', '0', '0', "0123456789abcdef"[r>>4], "0123456789abcdef"[r&0xf])
		default:
			out = append(out, string(r)...)
		}
	}
	return append(out, '"')
}

// buildClientData returns clientDataJSON as Chrome builds it
// (#clientdatajson-serialization): type, challenge, origin, crossOrigin, then
// topOrigin when set, then any extra members; shaped by the knobs.
func buildClientData(typ string, challenge []byte, origin string, k *Knobs) []byte {
	if k.ClientDataRaw != nil {
		return slices.Clone(k.ClientDataRaw)
	}
	if k.Origin != "" {
		origin = k.Origin
	}
	members := []Member{
		{"type", ccdString(typ)},
		{"challenge", ccdString(b64url(challenge))},
		{"origin", ccdString(origin)},
		{"crossOrigin", json.RawMessage(strconv.FormatBool(k.CrossOrigin))},
	}
	if k.TopOrigin != "" {
		members = append(members, Member{"topOrigin", ccdString(k.TopOrigin)})
	}
	for _, extra := range k.ClientDataExtra {
		i := slices.IndexFunc(members, func(m Member) bool { return m.Name == extra.Name })
		if i >= 0 && isStandardMember(extra.Name) {
			members[i].Value = extra.Value
			continue
		}
		members = append(members, extra)
	}
	members = slices.DeleteFunc(members, func(m Member) bool { return slices.Contains(k.ClientDataOmit, m.Name) })
	if len(k.ClientDataOrder) > 0 {
		rank := func(m Member) int {
			if i := slices.Index(k.ClientDataOrder, m.Name); i >= 0 {
				return i
			}
			return len(k.ClientDataOrder)
		}
		slices.SortStableFunc(members, func(x, y Member) int { return rank(x) - rank(y) })
	}
	out := []byte{'{'}
	for i, m := range members {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, ccdString(m.Name)...)
		out = append(out, ':')
		out = append(out, m.Value...)
	}
	return append(out, '}')
}

func isStandardMember(name string) bool {
	switch name {
	case "type", "challenge", "origin", "crossOrigin", "topOrigin":
		return true
	}
	return false
}
