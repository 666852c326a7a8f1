package attestation

import (
	"encoding/hex"
	"testing"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/cbor"
)

// part is one {fmt, attStmt} of a compound statement.
func part(format string, attStmt []byte) map[string]any {
	return map[string]any{"fmt": format, "attStmt": cbor.RawMessage(attStmt)}
}

// compoundFixture holds valid statements over one authenticator data.
type compoundFixture struct {
	authData, credID         []byte
	x5c, x5cOther, self, bad []byte // packed statements; bad has a broken sig
	none                     []byte
	otherCA                  *testCA
}

func makeCompoundFixture(t testing.TB) *compoundFixture {
	t.Helper()
	ks := testKeys(t)
	ca := newTestCA(t)
	other := newCA(t, "Another Root")
	k := newCredKey(t, ks.p256, cose.ES256)
	f := &compoundFixture{credID: []byte("compound"), otherCA: other, none: []byte{0xa0}}
	f.authData = makeAuthData(testAAGUID, f.credID, k.cose)
	leaf := ca.issue(t, packedLeafTemplate(), ks.p256b.Public())
	otherLeaf := other.issue(t, packedLeafTemplate(), ks.p256b.Public())
	f.x5c = packedX5CStatement(t, f.authData, ks.p256b, cose.ES256, leaf, ca.cert.Raw)
	f.x5cOther = packedX5CStatement(t, f.authData, ks.p256b, cose.ES256, otherLeaf, other.cert.Raw)
	sig := signWith(t, ks.p256, cose.ES256, signedData(f.authData))
	f.self = encode(t, map[string]any{"alg": int64(cose.ES256), "sig": sig})
	f.bad = encode(t, map[string]any{"alg": int64(cose.ES256), "sig": append(sig[:len(sig)-1:len(sig)-1], sig[len(sig)-1]^1)})
	return f
}

func TestVerifyCompound(t *testing.T) {
	f := makeCompoundFixture(t)
	raw := encode(t, []any{part("packed", f.x5c), part("none", f.none), part("packed", f.self)})
	v, err := verifyCompound(newStatement(t, f.authData, raw))
	if err != nil {
		t.Fatal(err)
	}
	if v.typ != "" || v.trustPath != nil || len(v.subs) != 3 {
		t.Fatalf("got %+v, want three sub-verdicts and nothing else", v)
	}
	want := []struct {
		format string
		typ    Type
		path   int
	}{{"packed", TypeBasic, 2}, {"none", TypeNone, 0}, {"packed", TypeSelf, 0}}
	for i, w := range want {
		s := v.subs[i]
		if s.format != w.format || s.typ != w.typ || len(s.trustPath) != w.path {
			t.Fatalf("sub %d: %s %s with %d certificates, want %+v", i, s.format, s.typ, len(s.trustPath), w)
		}
	}
}

// TestVerifyCompoundRejects breaks one rule at a time.
func TestVerifyCompoundRejects(t *testing.T) {
	f := makeCompoundFixture(t)
	ok := part("packed", f.self)
	cases := []struct {
		name   string
		v      any
		code   errcode.Sentinel
		check  string
		detail string
	}{
		{"a map", part("packed", f.self), errcode.ErrAttestationInvalid, checkCompound, "not an array"},
		{"empty array", []any{}, errcode.ErrAttestationInvalid, checkCompound, "fewer than two"},
		{"one statement", []any{ok}, errcode.ErrAttestationInvalid, checkCompound, "fewer than two"},
		{"four statements", []any{ok, ok, ok, ok}, errcode.ErrAttestationInvalid, checkCompound, "more statements than"},
		{"an element not a map", []any{ok, []any{"packed", f.self}}, errcode.ErrAttestationInvalid, checkCompound, "attStmt[1] is not a map"},
		{"no fmt", []any{ok, map[string]any{"attStmt": cbor.RawMessage(f.self)}}, errcode.ErrAttestationInvalid, checkCompound, "lacks fmt"},
		{"no attStmt", []any{ok, map[string]any{"fmt": "packed"}}, errcode.ErrAttestationInvalid, checkCompound, "lacks attStmt"},
		{"an extra member", []any{ok, map[string]any{"fmt": "packed", "attStmt": cbor.RawMessage(f.self), "authData": f.authData}},
			errcode.ErrAttestationInvalid, checkCompound, "other than fmt and attStmt"},
		{"an integer key", []any{ok, map[any]any{"fmt": "packed", "attStmt": cbor.RawMessage(f.self), 1: 1}},
			errcode.ErrAttestationInvalid, checkCompound, "not a text string"},
		{"fmt as bytes", []any{ok, map[string]any{"fmt": []byte("packed"), "attStmt": cbor.RawMessage(f.self)}},
			errcode.ErrAttestationInvalid, checkCompound, "fmt has the wrong type"},
		{"nested compound", []any{ok, part("compound", encode(t, []any{ok, ok}))}, errcode.ErrAttestationInvalid, checkCompound, "do not nest"},
		{"unknown format", []any{ok, part("packed2", f.self)}, errcode.ErrUnsupportedAttestationFormat, checkCompound, "unsupported"},
		{"format in upper case", []any{part("Packed", f.self), ok}, errcode.ErrUnsupportedAttestationFormat, checkCompound, "unsupported"},
		{"a statement that fails", []any{ok, part("packed", f.bad)}, errcode.ErrAttestationInvalid, checkPacked, "does not verify"},
		{"a statement of the wrong shape", []any{ok, part("none", f.self)}, errcode.ErrAttestationInvalid, checkNone, "does not define"},
		{"an inner attStmt that is not a map", []any{ok, part("packed", encode(t, []any{1}))}, errcode.ErrAttestationInvalid, checkPacked, "not a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyCompound(newStatement(t, f.authData, encode(t, c.v)))
			wantError(t, err, c.code, c.check, c.detail)
		})
	}

	// Hand-made CBOR. "82" is an array of two, "a2" a map of two pairs,
	// "63666d74" the key "fmt", "646e6f6e65" the text "none", "67617474
	// 53746d74" the key "attStmt", "a0" the empty map.
	const none = "a263666d74646e6f6e656761747453746d74a0"
	for _, c := range []struct {
		name   string
		hex    string
		code   errcode.Sentinel
		detail string
	}{
		{"valid", "82" + none + none, "", ""},
		{"duplicate fmt", "82" + none + "a363666d74646e6f6e6563666d74646e6f6e656761747453746d74a0", errcode.ErrMalformedAttestationObject, "duplicate key"},
		{"duplicate attStmt", "82" + none + "a363666d74646e6f6e656761747453746d74a06761747453746d74a0", errcode.ErrMalformedAttestationObject, "duplicate key"},
		{"fmt not UTF-8", "82" + none + "a263666d7461ff6761747453746d74a0", errcode.ErrMalformedAttestationObject, "not valid UTF-8"},
		{"key not UTF-8", "82" + none + "a363666d74646e6f6e656761747453746d74a061ff00", errcode.ErrMalformedAttestationObject, "not valid UTF-8"},
		{"trailing byte", "82" + none + none + "00", errcode.ErrMalformedAttestationObject, "trailing bytes"},
		{"truncated", "83" + none + none, errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"indefinite array", "9f" + none + none + "ff", errcode.ErrMalformedAttestationObject, "not well-formed"},
		{"empty", "", errcode.ErrMalformedAttestationObject, "not well-formed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			v, err := verifyCompound(newStatement(t, f.authData, b))
			if c.code == "" {
				if err != nil || len(v.subs) != 2 {
					t.Fatalf("got %+v, %v", v, err)
				}
				return
			}
			wantError(t, err, c.code, checkCompound, c.detail)
		})
	}
}

// TestCompoundCeremony runs compound statements through Verify: the
// attestation object of a compound statement nests deepest of all, and the
// trust decision is made per statement, the weakest deciding.
func TestCompoundCeremony(t *testing.T) {
	f := makeCompoundFixture(t)
	ca := newTestCA(t)
	both := poolOf(ca.cert, f.otherCA.cert)
	body := func(parts ...any) []byte {
		return registrationBody(t, "compound", encode(t, parts), f.authData, f.credID)
	}
	type want struct {
		code       errcode.Sentinel
		typ        Type
		trusted    bool
		downgraded bool
		decider    []byte // the x5c statement whose path decides, or nil
		subs       []Type
	}
	for _, c := range []struct {
		name string
		body []byte
		mod  func(*Expect)
		want want
	}{
		{"x5c and self, no anchors", body(part("packed", f.x5c), part("packed", f.self)), nil,
			want{typ: TypeSelf, subs: []Type{TypeBasic, TypeSelf}}},
		{"x5c and none, no anchors", body(part("packed", f.x5c), part("none", f.none)), nil,
			want{typ: TypeNone, subs: []Type{TypeBasic, TypeNone}}},
		{"self and none: none is weaker", body(part("packed", f.self), part("none", f.none)), nil,
			want{typ: TypeNone, subs: []Type{TypeSelf, TypeNone}}},
		{"two x5c, no anchors: the first decides", body(part("packed", f.x5cOther), part("packed", f.x5c)), nil,
			want{typ: TypeBasic, decider: f.x5cOther, subs: []Type{TypeBasic, TypeBasic}}},
		{"two x5c, both anchored", body(part("packed", f.x5c), part("packed", f.x5cOther)),
			func(e *Expect) { e.TrustAnchors = both },
			want{typ: TypeBasic, trusted: true, decider: f.x5c, subs: []Type{TypeBasic, TypeBasic}}},
		{"x5c and self, trust required", body(part("packed", f.x5c), part("packed", f.self)),
			func(e *Expect) { e.TrustAnchors = both }, want{code: errcode.ErrAttestationTypeNotAllowed}},
		{"one x5c untrusted, trust required", body(part("packed", f.x5c), part("packed", f.x5cOther)),
			func(e *Expect) { e.TrustAnchors = poolOf(ca.cert) }, want{code: errcode.ErrAttestationUntrusted}},
		{"one x5c untrusted, downgrade", body(part("packed", f.x5c), part("packed", f.x5cOther)),
			func(e *Expect) { e.TrustAnchors, e.Trust = poolOf(ca.cert), TrustOrDowngrade },
			want{typ: TypeSelf, downgraded: true, subs: []Type{TypeBasic, TypeSelf}}},
		{"three statements", body(part("packed", f.x5c), part("packed", f.self), part("none", f.none)), nil,
			want{typ: TypeNone, subs: []Type{TypeBasic, TypeSelf, TypeNone}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := testExpect(t)
			if c.mod != nil {
				c.mod(&e)
			}
			res, err := register(t, c.body, e)
			if c.want.code != "" {
				wantError(t, err, c.want.code, checkAssessTrust, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != "compound" || res.Record.AttestationFormat != "compound" || res.Type != c.want.typ ||
				res.Record.AttestationType != string(c.want.typ) || res.Trusted != c.want.trusted ||
				(res.Downgraded != nil) != c.want.downgraded {
				t.Fatalf("got %s %s trusted %v downgraded %v", res.Format, res.Type, res.Trusted, res.Downgraded != nil)
			}
			if len(res.Compound) != len(c.want.subs) {
				t.Fatalf("%d statements, want %d", len(res.Compound), len(c.want.subs))
			}
			for i, st := range res.Compound {
				if st.Type != c.want.subs[i] {
					t.Fatalf("statement %d is %s, want %s", i, st.Type, c.want.subs[i])
				}
			}
			switch {
			case c.want.decider == nil && (len(res.TrustPath) != 0 || len(res.Record.TrustPath) != 0):
				t.Fatal("a trust path for a type without one")
			case c.want.decider != nil:
				var st packedStmt
				if err := cbor.Unmarshal(c.want.decider, &st); err != nil {
					t.Fatal(err)
				}
				if len(res.TrustPath) == 0 || string(res.TrustPath[0].Raw) != string(st.X5C[0]) ||
					string(res.Record.TrustPath[0]) != string(st.X5C[0]) {
					t.Fatal("the trust path is not the deciding statement's")
				}
			}
		})
	}
}

// TestCompoundTrustSource checks that a trust source is asked once per
// statement that has a path, with that statement's format.
func TestCompoundTrustSource(t *testing.T) {
	f := makeCompoundFixture(t)
	ks := testKeys(t)
	ca := newTestCA(t)
	in := defaultAndroidInputs(ks.p256, cose.ES256)
	android := in.build(t, f.authData)
	var calls []sourceCall
	e := testExpect(t)
	e.TrustSource = recordingSource(&calls, poolOf(ca.cert), nil)
	res, err := register(t, registrationBody(t, "compound", encode(t, []any{part("packed", f.x5c), part("android-key", android)}),
		f.authData, f.credID), e)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].format != "packed" || calls[1].format != "android-key" ||
		calls[0].aaguid != testAAGUID || calls[1].aaguid != testAAGUID {
		t.Fatalf("calls %+v", calls)
	}
	if !res.Trusted || !res.Compound[0].Trusted || !res.Compound[1].Trusted {
		t.Fatal("not trusted")
	}
}
