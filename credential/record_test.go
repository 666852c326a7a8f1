package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gopasskey/passkey/cose"
	"github.com/gopasskey/passkey/internal/cbor"
)

// fullRecord sets every field to a non-zero value, with awkward contents
// where an encoding could trip: characters JSON escapes, non-ASCII text,
// negative and extreme numbers, nanoseconds.
func fullRecord() Record {
	return Record{
		ID:                      seqBytes(64),
		PublicKey:               bytes.Clone(testKey),
		Alg:                     cose.RS1,
		SignCount:               math.MaxUint32,
		UVInitialized:           true,
		BackupEligible:          True,
		BackupState:             true,
		Transports:              []string{"usb", "nfc", "ble", "smart-card", "hybrid", "internal", "x-future\u00e9"},
		AAGUID:                  AAGUID(testAAGUID),
		RPID:                    "login.example.com",
		AttestationFormat:       "packed",
		AttestationType:         "basic",
		TrustPath:               [][]byte{{0x30, 0x03, 0x02, 0x01, 0x01}, seqBytes(300)},
		Discoverable:            False,
		CredProtect:             255,
		AppID:                   "https://example.com/app-id.json",
		AuthenticatorAttachment: "cross-platform",
		UserHandle:              seqBytes(64),
		Name:                    "Ada's \"key\" <&> \u2603 \\ \n\t\x00",
		CreatedAt:               time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC),
		LastUsedAt:              time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC),
	}
}

// minimalRecord sets only the required fields.
func minimalRecord() Record {
	return Record{ID: []byte{1, 2, 3}, PublicKey: []byte{0xa5}, Alg: cose.ES256}
}

func TestRecordFieldTable(t *testing.T) {
	nums := map[uint64]bool{versionNum: true}
	names := map[string]bool{versionName: true}
	var last uint64
	for _, f := range recordFields {
		if nums[f.num] || names[f.name] {
			t.Errorf("field %d %q: number or name used twice", f.num, f.name)
		}
		nums[f.num], names[f.name] = true, true
		if f.num <= last || f.num > 23 {
			t.Errorf("field %q: number %d is not ascending within 1..23 (one-byte keys)", f.name, f.num)
		}
		last = f.num
	}
	// Every Record field is reached by exactly one table entry.
	var r Record
	base := uintptr(unsafe.Pointer(&r))
	seen := map[uintptr]string{}
	for _, f := range recordFields {
		off := reflect.ValueOf(f.at(&r)).Pointer() - base
		if prev, dup := seen[off]; dup {
			t.Errorf("%q and %q reach the same Record field", prev, f.name)
		}
		seen[off] = f.name
	}
	rt := reflect.TypeOf(r)
	for i := 0; i < rt.NumField(); i++ {
		if _, ok := seen[rt.Field(i).Offset]; !ok {
			t.Errorf("Record.%s is in neither encoding", rt.Field(i).Name)
		}
	}
}

// TestRecordDocTable keeps the table in doc.go equal to the code's.
func TestRecordDocTable(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^//\t(\d+)\s+(\S+)\s`).FindAllStringSubmatch(string(src), -1)
	if len(rows) != len(recordFields)+1 {
		t.Fatalf("doc.go lists %d fields, the table has %d (with the version)", len(rows), len(recordFields)+1)
	}
	for i, row := range rows {
		num, name := uint64(versionNum), versionName
		if i > 0 {
			num, name = recordFields[i-1].num, recordFields[i-1].name
		}
		if row[1] != strconv.FormatUint(num, 10) || row[2] != name {
			t.Errorf("doc.go row %d: %s %s, want %d %s", i, row[1], row[2], num, name)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	records := map[string]Record{"full": fullRecord(), "minimal": minimalRecord()}
	for _, g := range goldenRecords(t) {
		records["golden "+g.name] = g.rec
	}
	for name, rec := range records {
		for _, enc := range recordEncodings {
			t.Run(name+"/"+enc.name, func(t *testing.T) {
				data, err := enc.marshal(&rec)
				if err != nil {
					t.Fatal(err)
				}
				var got Record
				if err := enc.unmarshal(&got, data); err != nil {
					t.Fatalf("decode %s: %v", data, err)
				}
				if !reflect.DeepEqual(got, rec) {
					t.Fatalf("round trip changed the record:\n got %+v\nwant %+v", got, rec)
				}
				again, err := enc.marshal(&got)
				if err != nil || !bytes.Equal(again, data) {
					t.Errorf("second encoding differs: %v", err)
				}
			})
		}
	}
}

// TestRecordEachField sets one field at a time on a minimal record, so that
// a field that one encoding dropped, or wrote under another field's key,
// fails by name.
func TestRecordEachField(t *testing.T) {
	full := fullRecord()
	for i := range recordFields {
		f := &recordFields[i]
		t.Run(f.name, func(t *testing.T) {
			rec := minimalRecord()
			if !f.required {
				rec = Record{ID: []byte{9}, PublicKey: []byte{0xa0}, Alg: cose.EdDSA}
			}
			reflect.ValueOf(f.at(&rec)).Elem().Set(reflect.ValueOf(f.at(&full)).Elem())
			for _, enc := range recordEncodings {
				data, err := enc.marshal(&rec)
				if err != nil {
					t.Fatalf("%s: %v", enc.name, err)
				}
				var got Record
				if err := enc.unmarshal(&got, data); err != nil {
					t.Fatalf("%s: %v", enc.name, err)
				}
				if !reflect.DeepEqual(reflect.ValueOf(f.at(&got)).Elem().Interface(), reflect.ValueOf(f.at(&full)).Elem().Interface()) {
					t.Errorf("%s: %s did not round-trip: got %v", enc.name, f.name, reflect.ValueOf(f.at(&got)).Elem())
				}
				if !reflect.DeepEqual(got, rec) {
					t.Errorf("%s: other fields changed: %+v", enc.name, got)
				}
			}
			// The field is stored under its own key and name.
			bin, _ := rec.MarshalBinary()
			var m map[uint64]cbor.RawMessage
			if err := cbor.Unmarshal(bin, &m); err != nil {
				t.Fatal(err)
			}
			if _, ok := m[f.num]; !ok {
				t.Errorf("cbor: key %d missing from %x", f.num, bin)
			}
			js, _ := rec.MarshalJSON()
			if !bytes.Contains(js, []byte(`"`+f.name+`":`)) {
				t.Errorf("json: %q missing from %s", f.name, js)
			}
		})
	}
}

// TestRecordValueEdges round-trips the extremes of the numeric and time
// fields in both encodings.
func TestRecordValueEdges(t *testing.T) {
	cases := map[string]func(*Record){
		"alg -1":                func(r *Record) { r.Alg = -1 },
		"alg -24":               func(r *Record) { r.Alg = -24 },
		"alg -25":               func(r *Record) { r.Alg = -25 },
		"alg positive":          func(r *Record) { r.Alg = 42 },
		"alg min int64":         func(r *Record) { r.Alg = math.MinInt64 },
		"alg max int64":         func(r *Record) { r.Alg = math.MaxInt64 },
		"signCount 23":          func(r *Record) { r.SignCount = 23 },
		"signCount 24":          func(r *Record) { r.SignCount = 24 },
		"signCount 65536":       func(r *Record) { r.SignCount = 65536 },
		"credProtect 1":         func(r *Record) { r.CredProtect = 1 },
		"id of 1023 bytes":      func(r *Record) { r.ID = seqBytes(MaxCredentialIDLen) },
		"earliest time":         func(r *Record) { r.CreatedAt = time.Unix(0, math.MinInt64).UTC() },
		"latest time":           func(r *Record) { r.LastUsedAt = time.Unix(0, math.MaxInt64).UTC() },
		"Unix epoch":            func(r *Record) { r.CreatedAt = time.Unix(0, 0).UTC() },
		"before the epoch":      func(r *Record) { r.CreatedAt = time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC) },
		"64 transports":         func(r *Record) { r.Transports = make([]string, 64) },
		"64 certificates":       func(r *Record) { r.TrustPath = slicesOf(64, []byte{0x30}) },
		"empty transport kept":  func(r *Record) { r.Transports = []string{""} },
		"BE false, BS true":     func(r *Record) { r.BackupEligible, r.BackupState = False, true },
		"discoverable true":     func(r *Record) { r.Discoverable = True },
		"backupEligible false":  func(r *Record) { r.BackupEligible = False },
		"attachment only":       func(r *Record) { r.AuthenticatorAttachment = "platform" },
		"1-byte user handle":    func(r *Record) { r.UserHandle = []byte{0} },
		"zero bytes in strings": func(r *Record) { r.Name = "\x00\x00" },
	}
	for name, mutate := range cases {
		rec := minimalRecord()
		mutate(&rec)
		for _, enc := range recordEncodings {
			t.Run(name+"/"+enc.name, func(t *testing.T) {
				data, err := enc.marshal(&rec)
				if err != nil {
					t.Fatal(err)
				}
				var got Record
				if err := enc.unmarshal(&got, data); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, rec) {
					t.Errorf("got %+v, want %+v", got, rec)
				}
			})
		}
	}
}

func slicesOf(n int, b []byte) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Clone(b)
	}
	return out
}

// TestRecordMinimalEncoding pins the layout of both encodings for the
// smallest record; the package documentation describes these bytes.
func TestRecordMinimalEncoding(t *testing.T) {
	rec := minimalRecord()
	bin, err := rec.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// {0: 1, 1: h'010203', 2: h'a5', 3: -7}
	if want := unhex("a4000101430102030241a50326"); !bytes.Equal(bin, want) {
		t.Errorf("MarshalBinary = %x, want %x", bin, want)
	}
	js, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7}`; string(js) != want {
		t.Errorf("MarshalJSON = %s, want %s", js, want)
	}
}

// TestRecordCBORIsCoreDeterministic re-encodes the output with the
// project's core deterministic encoder: the bytes must not change.
func TestRecordCBORIsCoreDeterministic(t *testing.T) {
	recs := []Record{fullRecord(), minimalRecord()}
	for _, g := range goldenRecords(t) {
		recs = append(recs, g.rec)
	}
	for _, rec := range recs {
		bin, err := rec.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var m map[uint64]cbor.RawMessage
		if err := cbor.Unmarshal(bin, &m); err != nil {
			t.Fatal(err)
		}
		again, err := cbor.Marshal(m)
		if err != nil || !bytes.Equal(again, bin) {
			t.Errorf("record %q: not in core deterministic form", rec.Name)
		}
	}
}

func TestRecordJSONIsValidJSON(t *testing.T) {
	rec := fullRecord()
	js, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(js, &generic); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	if generic["name"] != rec.Name || generic["v"] != float64(1) || generic["createdAt"] != "2001-02-03T04:05:06.000000007Z" {
		t.Errorf("generic decoding: %v", generic)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, js); err != nil || !bytes.Equal(compact.Bytes(), js) {
		t.Errorf("output is not compact")
	}
}

// TestRecordZeroValuesReadAsAbsent: a present zero value decodes like an
// absent field, and re-encodes without it.
func TestRecordZeroValuesReadAsAbsent(t *testing.T) {
	want := minimalRecord()
	bin := mustCBOR(t, map[uint64]any{0: 1, 1: []byte{1, 2, 3}, 2: []byte{0xa5}, 3: -7,
		4: 0, 5: false, 7: false, 8: []string{}, 9: make([]byte, 16), 10: "", 13: [][]byte{}, 15: 0, 18: []byte{}})
	js := `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"signCount":0,"uvInitialized":false,"backupState":false,` +
		`"transports":[],"aaguid":"00000000-0000-0000-0000-000000000000","rpId":"","trustPath":[],"credProtect":0,"userHandle":""}`
	for _, c := range []struct {
		name string
		data []byte
		dec  func(*Record, []byte) error
	}{{"cbor", bin, (*Record).UnmarshalBinary}, {"json", []byte(js), (*Record).UnmarshalJSON}} {
		var got Record
		if err := c.dec(&got, c.data); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, want)
		}
	}
}

func TestRecordJSONAccepts(t *testing.T) {
	for _, c := range []struct {
		name, js string
		want     func(*Record)
	}{
		{"tri-state null is Unknown", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"backupEligible":null,"discoverable":null}`, func(*Record) {}},
		{"tri-state false", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"backupEligible":false}`, func(r *Record) { r.BackupEligible = False }},
		{"any member order, whitespace", "{ \"alg\" : -7 ,\n\t\"publicKey\":\"pQ\", \"id\": \"AQID\", \"v\": 1 }", func(*Record) {}},
		{"time with an offset becomes UTC", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"createdAt":"2024-01-01T02:00:00.5+02:00"}`,
			func(r *Record) { r.CreatedAt = time.Date(2024, 1, 1, 0, 0, 0, 500000000, time.UTC) }},
		{"upper-case AAGUID", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"aaguid":"01020304-0506-0708-090A-0B0C0D0E0F10"}`,
			func(r *Record) { r.AAGUID = AAGUID(testAAGUID) }},
		{"escaped strings", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"name":"\u00e9\ud83d\ude00\""}`,
			func(r *Record) { r.Name = "é😀\"" }},
		{"array whitespace", `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7,"transports":[ "usb" , "nfc" ]}`,
			func(r *Record) { r.Transports = []string{"usb", "nfc"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := minimalRecord()
			c.want(&want)
			var got Record
			if err := got.UnmarshalJSON([]byte(c.js)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func mustCBOR(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// baseCBOR returns the minimal record's fields as a map that a case edits.
func baseCBOR() map[uint64]any {
	return map[uint64]any{0: 1, 1: []byte{1, 2, 3}, 2: []byte{0xa5}, 3: -7}
}

// wrongCBORValues returns, for each field type, CBOR values of the wrong
// type (or an invalid value of the right one).
func wrongCBORValues(f *recordField) map[string]any {
	null := cbor.RawMessage{0xf6}
	undefined := cbor.RawMessage{0xf7}
	common := map[string]any{"null": null, "undefined": undefined, "map": map[uint64]int{1: 1}, "float": 1.5}
	add := func(m map[string]any) map[string]any {
		for k, v := range common {
			m[k] = v
		}
		return m
	}
	var r Record
	switch f.at(&r).(type) {
	case *[]byte:
		return add(map[string]any{"text": "AQID", "array": []int{1}})
	case *string:
		return add(map[string]any{"bytes": []byte("x"), "integer": 1, "invalid UTF-8": cbor.RawMessage{0x61, 0xff}})
	case *cose.Algorithm:
		return add(map[string]any{"text": "-7", "too negative": cbor.RawMessage{0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0}, "too big": uint64(math.MaxInt64) + 1})
	case *uint32:
		return add(map[string]any{"negative": -1, "2^32": uint64(1) << 32, "text": "1"})
	case *uint8:
		return add(map[string]any{"negative": -1, "256": 256, "text": "1"})
	case *bool, *Tristate:
		return add(map[string]any{"integer": 1, "text": "true"})
	case *[]string:
		return add(map[string]any{"text": "usb", "array of bytes": [][]byte{{1}}, "array with null": []any{"usb", null}, "65 entries": make([]string, 65),
			"bytes that look like an array": cbor.RawMessage{0x41, 0x60}})
	case *[][]byte:
		return add(map[string]any{"bytes": []byte{1}, "array of text": []string{"a"}, "array with null": []any{[]byte{1}, null},
			"empty entry": [][]byte{{}}, "65 entries": slicesOf(65, []byte{1})})
	case *AAGUID:
		return add(map[string]any{"15 bytes": make([]byte, 15), "17 bytes": make([]byte, 17), "text": "01020304-0506-0708-090a-0b0c0d0e0f10"})
	case *time.Time:
		return add(map[string]any{"text": "2024-01-01T00:00:00Z", "too big": uint64(math.MaxInt64) + 1})
	}
	return nil
}

func TestRecordUnmarshalBinaryRejects(t *testing.T) {
	type cas struct {
		name    string
		data    []byte
		mention string // a word the error must contain, if set
	}
	edit := func(f func(map[uint64]any)) []byte {
		m := baseCBOR()
		f(m)
		return mustCBOR(t, m)
	}
	base := mustCBOR(t, baseCBOR())
	cases := []cas{
		{"empty", nil, "data"},
		{"not a map", mustCBOR(t, []int{1}), "not a map"},
		{"a byte string", mustCBOR(t, []byte{0x00, 0x01}), "not a map"},
		{"text keys", mustCBOR(t, map[string]any{"v": 1, "id": []byte{1}, "publicKey": []byte{0xa5}, "alg": -7}), "data"},
		{"negative key", mustCBOR(t, map[int64]any{0: 1, 1: []byte{1}, 2: []byte{0xa5}, 3: -7, -1: 1}), "data"},
		{"repeated key", unhex("a5000101430102030241a503260326"), "key 3 appears twice"},
		{"indefinite-length map", unhex("bf000101430102030241a50326ff"), "data"},
		{"tagged", append([]byte{0xc1}, base...), "data"},
		{"trailing byte", append(bytes.Clone(base), 0x00), "data"},
		{"two records", append(bytes.Clone(base), base...), "data"},
		{"truncated", base[:len(base)-1], "data"},
		{"version missing", edit(func(m map[uint64]any) { delete(m, 0) }), "v is missing"},
		{"version 0", edit(func(m map[uint64]any) { m[0] = 0 }), "v is 0"},
		{"version text", edit(func(m map[uint64]any) { m[0] = "1" }), " v "},
		{"version null", edit(func(m map[uint64]any) { m[0] = cbor.RawMessage{0xf6} }), " v "},
		{"version -1", edit(func(m map[uint64]any) { m[0] = -1 }), " v "},
		{"unknown key 22", edit(func(m map[uint64]any) { m[22] = 1 }), "key 22"},
		{"unknown key 1000", edit(func(m map[uint64]any) { m[1000] = 1 }), "key 1000"},
		{"smallest unknown key named", edit(func(m map[uint64]any) { m[1000] = 1; m[23] = 1; m[99] = 1 }), "key 23 is not"},
		{"id missing", edit(func(m map[uint64]any) { delete(m, 1) }), "id is required"},
		{"id empty", edit(func(m map[uint64]any) { m[1] = []byte{} }), "id is required"},
		{"id of 1024 bytes", edit(func(m map[uint64]any) { m[1] = seqBytes(1024) }), "id is 1024 bytes"},
		{"publicKey missing", edit(func(m map[uint64]any) { delete(m, 2) }), "publicKey is required"},
		{"alg missing", edit(func(m map[uint64]any) { delete(m, 3) }), "alg is required"},
		{"alg 0", edit(func(m map[uint64]any) { m[3] = 0 }), "alg is required"},
		{"time before 1678", edit(func(m map[uint64]any) { m[20] = cbor.RawMessage{0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0} }), "createdAt"},
	}
	for i := range recordFields {
		f := &recordFields[i]
		for what, v := range wrongCBORValues(f) {
			mention := f.name
			if what == "65 entries" {
				mention = "limits" // the decoder refuses the whole map
			}
			cases = append(cases, cas{f.name + " " + what, edit(func(m map[uint64]any) { m[f.num] = v }), mention})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fullRecord()
			err := rec.UnmarshalBinary(c.data)
			if !errors.Is(err, ErrMalformedRecord) {
				t.Fatalf("UnmarshalBinary(%x) = %v, want ErrMalformedRecord", c.data, err)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not mention %q", err, c.mention)
			}
			if !reflect.DeepEqual(rec, fullRecord()) {
				t.Error("a failed decode changed the record")
			}
		})
	}
}

// wrongJSONValues returns, for each field type, JSON values of the wrong
// type (or an invalid value of the right one).
func wrongJSONValues(f *recordField) map[string]string {
	common := map[string]string{"object": `{}`, "float": `1.5`}
	add := func(m map[string]string) map[string]string {
		for k, v := range common {
			m[k] = v
		}
		if _, ok := f.at(&Record{}).(*Tristate); !ok {
			m["null"] = `null`
		}
		return m
	}
	var r Record
	switch f.at(&r).(type) {
	case *[]byte:
		return add(map[string]string{"number": `1`, "padded": `"AQI="`, "standard alphabet": `"+/8"`, "newline": `"AQ\nID"`,
			"non-zero trailing bits": `"AQJ"`, "bad length": `"A"`, "array": `[1]`})
	case *string:
		return add(map[string]string{"number": `1`, "bool": `true`, "array": `["x"]`})
	case *cose.Algorithm:
		return add(map[string]string{"string": `"-7"`, "exponent": `-7e0`, "too big": `9223372036854775808`, "fraction": `-7.0`})
	case *uint32:
		return add(map[string]string{"negative": `-1`, "2^32": `4294967296`, "string": `"1"`, "exponent": `1e3`})
	case *uint8:
		return add(map[string]string{"negative": `-1`, "256": `256`, "string": `"1"`})
	case *bool:
		return add(map[string]string{"number": `1`, "string": `"true"`})
	case *Tristate:
		return add(map[string]string{"number": `1`, "string": `"true"`, "string null": `"null"`})
	case *[]string:
		return add(map[string]string{"string": `"usb"`, "numbers": `[1]`, "array with null": `["usb",null]`, "nested": `[["usb"]]`,
			"65 entries": "[" + strings.Repeat(`"a",`, 64) + `"a"]`})
	case *[][]byte:
		return add(map[string]string{"string": `"AQ"`, "numbers": `[1]`, "array with null": `["AQ",null]`, "empty entry": `[""]`,
			"padded entry": `["AQ=="]`, "65 entries": "[" + strings.Repeat(`"AQ",`, 64) + `"AQ"]`})
	case *AAGUID:
		return add(map[string]string{"no dashes": `"0102030405060708090a0b0c0d0e0f10"`, "base64": `"AQIDBAUGBwgJCgsMDQ4PEA"`, "number": `1`})
	case *time.Time:
		return add(map[string]string{"number": `0`, "not RFC 3339": `"2024-01-01 00:00:00Z"`, "no zone": `"2024-01-01T00:00:00"`,
			"year 1600": `"1600-01-01T00:00:00Z"`, "year 2263": `"2263-01-01T00:00:00Z"`, "hour 24": `"2024-01-01T24:00:00Z"`})
	}
	return nil
}

const baseJSON = `{"v":1,"id":"AQID","publicKey":"pQ","alg":-7`

func TestRecordUnmarshalJSONRejects(t *testing.T) {
	type cas struct{ name, js, mention string }
	cases := []cas{
		{"empty", ``, `valid JSON`},
		{"null", `null`, `JSON object`},
		{"array", `[]`, `JSON object`},
		{"string", `"x"`, `JSON object`},
		{"unclosed", baseJSON, `valid JSON`},
		{"trailing data", baseJSON + `}{}`, `nothing after it`},
		{"trailing garbage", baseJSON + `}x`, `nothing after it`},
		{"invalid UTF-8", baseJSON + `,"name":"` + "\xff" + `"}`, `UTF-8`},
		{"repeated member", baseJSON + `,"alg":-7}`, `"alg" appears twice`},
		{"repeated version", baseJSON + `,"v":1}`, `"v" appears twice`},
		{"unknown member", baseJSON + `,"nickname":"x"}`, `"nickname"`},
		{"unknown empty member name", baseJSON + `,"":"x"}`, `"" is not a version-1 field`},
		{"smallest unknown member named", baseJSON + `,"zz":1,"nickname":"x","b":2}`, `"b" is not`},
		{"member of another case", baseJSON + `,"RPID":"x"}`, `"RPID"`},
		{"version missing", `{"id":"AQID","publicKey":"pQ","alg":-7}`, `v is missing`},
		{"version 0", `{"v":0,"id":"AQID","publicKey":"pQ","alg":-7}`, `v is 0`},
		{"version string", `{"v":"1","id":"AQID","publicKey":"pQ","alg":-7}`, `v is not`},
		{"version 1.0", `{"v":1.0,"id":"AQID","publicKey":"pQ","alg":-7}`, `v is not`},
		{"version null", `{"v":null,"id":"AQID","publicKey":"pQ","alg":-7}`, `v is not`},
		{"id missing", `{"v":1,"publicKey":"pQ","alg":-7}`, `id is required`},
		{"id empty", `{"v":1,"id":"","publicKey":"pQ","alg":-7}`, `id is required`},
		{"publicKey missing", `{"v":1,"id":"AQID","alg":-7}`, `publicKey is required`},
		{"alg missing", `{"v":1,"id":"AQID","publicKey":"pQ"}`, `alg is required`},
		{"alg 0", `{"v":1,"id":"AQID","publicKey":"pQ","alg":0}`, `alg is required`},
		{"id of 1024 bytes", `{"v":1,"id":"` + b64.EncodeToString(seqBytes(1024)) + `","publicKey":"pQ","alg":-7}`, `id is 1024`},
	}
	for i := range recordFields {
		f := &recordFields[i]
		for what, v := range wrongJSONValues(f) {
			js := jsonWith(f.name, v)
			cases = append(cases, cas{f.name + " " + what, js, f.name})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fullRecord()
			err := rec.UnmarshalJSON([]byte(c.js))
			if !errors.Is(err, ErrMalformedRecord) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want ErrMalformedRecord", c.js, err)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not mention %q", err, c.mention)
			}
			if !reflect.DeepEqual(rec, fullRecord()) {
				t.Error("a failed decode changed the record")
			}
		})
	}
}

// jsonWith returns the minimal record's JSON with the member name set to
// value, in place if the record has it and appended otherwise.
func jsonWith(name, value string) string {
	members := []string{`"v":1`, `"id":"AQID"`, `"publicKey":"pQ"`, `"alg":-7`}
	for i, m := range members {
		if strings.HasPrefix(m, `"`+name+`":`) {
			members[i] = `"` + name + `":` + value
			return "{" + strings.Join(members, ",") + "}"
		}
	}
	return "{" + strings.Join(append(members, `"`+name+`":`+value), ",") + "}"
}

func TestRecordNewerVersion(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		dec  func(*Record, []byte) error
	}{
		{"cbor", mustCBOR(t, map[uint64]any{0: 2, 1: []byte{1}, 2: []byte{0xa5}, 3: -7}), (*Record).UnmarshalBinary},
		{"cbor, new fields, no id", mustCBOR(t, map[uint64]any{0: 2, 30: "new", 2: []byte{0xa5}}), (*Record).UnmarshalBinary},
		{"json", []byte(`{"v":2,"id":"AQID","publicKey":"pQ","alg":-7}`), (*Record).UnmarshalJSON},
		{"json, new fields, no id", []byte(`{"v":2,"publicKey":"pQ","future":{"x":[1]}}`), (*Record).UnmarshalJSON},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := fullRecord()
			err := c.dec(&rec, c.data)
			var ve *VersionError
			if !errors.As(err, &ve) || ve.Version != 2 {
				t.Fatalf("err = %v, want a *VersionError for version 2", err)
			}
			if got, want := err.Error(), "credential: record version 2 is newer than this library (1)"; got != want {
				t.Errorf("message %q, want %q", got, want)
			}
			if errors.Is(err, ErrMalformedRecord) {
				t.Error("a newer version is reported as malformed")
			}
			if !reflect.DeepEqual(rec, fullRecord()) {
				t.Error("a failed decode changed the record")
			}
		})
	}
}

func TestRecordMarshalRejects(t *testing.T) {
	cases := map[string]func(*Record){
		"no id":                       func(r *Record) { r.ID = nil },
		"id of 1024 bytes":            func(r *Record) { r.ID = seqBytes(1024) },
		"no public key":               func(r *Record) { r.PublicKey = []byte{} },
		"alg 0":                       func(r *Record) { r.Alg = 0 },
		"invalid BackupEligible":      func(r *Record) { r.BackupEligible = 3 },
		"invalid Discoverable":        func(r *Record) { r.Discoverable = 200 },
		"65 transports":               func(r *Record) { r.Transports = make([]string, 65) },
		"transport not UTF-8":         func(r *Record) { r.Transports = []string{"us\xffb"} },
		"65 certificates":             func(r *Record) { r.TrustPath = slicesOf(65, []byte{0x30}) },
		"empty certificate":           func(r *Record) { r.TrustPath = [][]byte{{0x30}, nil} },
		"name not UTF-8":              func(r *Record) { r.Name = "\xc3" },
		"rpId not UTF-8":              func(r *Record) { r.RPID = "\xff" },
		"attestationFormat not UTF-8": func(r *Record) { r.AttestationFormat = "\xff" },
		"attestationType not UTF-8":   func(r *Record) { r.AttestationType = "\xff" },
		"appId not UTF-8":             func(r *Record) { r.AppID = "\xff" },
		"attachment not UTF-8":        func(r *Record) { r.AuthenticatorAttachment = "\xff" },
		"createdAt in year 1":         func(r *Record) { r.CreatedAt = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC) },
		"createdAt a nanosecond too early": func(r *Record) {
			r.CreatedAt = time.Unix(0, math.MinInt64).Add(-1)
		},
		"lastUsedAt a nanosecond too late": func(r *Record) { r.LastUsedAt = time.Unix(0, math.MaxInt64).Add(1) },
	}
	for name, mutate := range cases {
		rec := fullRecord()
		mutate(&rec)
		for _, enc := range recordEncodings {
			t.Run(name+"/"+enc.name, func(t *testing.T) {
				if b, err := enc.marshal(&rec); !errors.Is(err, ErrMalformedRecord) || b != nil {
					t.Errorf("marshal = %q, %v; want nil, ErrMalformedRecord", b, err)
				}
			})
		}
	}
}

// TestRecordTimesNormalised: a time in another zone, or with a monotonic
// reading, decodes as the same instant in UTC.
func TestRecordTimesNormalised(t *testing.T) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	rec := minimalRecord()
	rec.CreatedAt = time.Date(2024, 5, 6, 7, 8, 9, 10, zone)
	rec.LastUsedAt = time.Now()
	for _, enc := range recordEncodings {
		data, err := enc.marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		var got Record
		if err := enc.unmarshal(&got, data); err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(rec.CreatedAt) || got.CreatedAt.Location() != time.UTC ||
			!got.LastUsedAt.Equal(rec.LastUsedAt) || got.LastUsedAt != got.LastUsedAt.Round(0) {
			t.Errorf("%s: got %v / %v", enc.name, got.CreatedAt, got.LastUsedAt)
		}
	}
}

func TestRecordJSONThroughEncodingJSON(t *testing.T) {
	type account struct {
		Credentials []Record `json:"credentials"`
		Primary     Record   `json:"primary"`
	}
	in := account{Credentials: []Record{fullRecord(), minimalRecord()}, Primary: minimalRecord()}
	js, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(js, []byte(`"v":1`)); n != 3 {
		t.Fatalf("MarshalJSON was used %d times, want 3: %s", n, js)
	}
	var out account
	if err := json.Unmarshal(js, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("got %+v", out)
	}
}

func TestRecordClone(t *testing.T) {
	orig := fullRecord()
	c := orig.Clone()
	if !reflect.DeepEqual(*c, orig) {
		t.Fatalf("clone differs: %+v", c)
	}
	// Scribble over every byte the clone can reach; the original must not
	// change.
	for _, b := range [][]byte{c.ID, c.PublicKey, c.UserHandle, c.TrustPath[0], c.TrustPath[1]} {
		for i := range b {
			b[i] ^= 0xff
		}
	}
	c.Transports[0] = "changed"
	c.TrustPath[0] = nil
	if !reflect.DeepEqual(orig, fullRecord()) {
		t.Error("changing the clone changed the original")
	}
	if (*Record)(nil).Clone() != nil {
		t.Error("Clone(nil) is not nil")
	}
	empty := (&Record{}).Clone()
	if !reflect.DeepEqual(*empty, Record{}) {
		t.Errorf("clone of the zero record: %+v", empty)
	}
}

// The clone's byte slices share one array; an append to one of them must
// not write into the next.
func TestRecordCloneAppendStaysInItsField(t *testing.T) {
	orig := fullRecord()
	c := orig.Clone()
	fields := []struct {
		name string
		b    *[]byte
	}{
		{"ID", &c.ID}, {"PublicKey", &c.PublicKey}, {"UserHandle", &c.UserHandle},
		{"TrustPath[0]", &c.TrustPath[0]}, {"TrustPath[1]", &c.TrustPath[1]},
	}
	for _, f := range fields {
		*f.b = append(*f.b, 0xAA, 0xBB)
	}
	want := fullRecord()
	for _, got := range []struct {
		name      string
		got, want []byte
	}{
		{"ID", c.ID, want.ID}, {"PublicKey", c.PublicKey, want.PublicKey},
		{"UserHandle", c.UserHandle, want.UserHandle},
		{"TrustPath[0]", c.TrustPath[0], want.TrustPath[0]},
		{"TrustPath[1]", c.TrustPath[1], want.TrustPath[1]},
	} {
		if w := append(bytes.Clone(got.want), 0xAA, 0xBB); !bytes.Equal(got.got, w) {
			t.Errorf("%s after appending to every field: %x, want %x", got.name, got.got, w)
		}
	}
}

// Clone keeps the difference between nil and empty that slices.Clone keeps.
func TestRecordCloneNilAndEmpty(t *testing.T) {
	r := Record{ID: []byte{}, PublicKey: nil, UserHandle: []byte{}, TrustPath: [][]byte{{}, nil}}
	c := r.Clone()
	if c.ID == nil || len(c.ID) != 0 || c.UserHandle == nil || len(c.UserHandle) != 0 {
		t.Errorf("empty slices: ID %#v UserHandle %#v, want empty, not nil", c.ID, c.UserHandle)
	}
	if c.PublicKey != nil {
		t.Errorf("nil PublicKey cloned to %#v", c.PublicKey)
	}
	if c.TrustPath[0] == nil || c.TrustPath[1] != nil {
		t.Errorf("TrustPath %#v, want [{} nil]", c.TrustPath)
	}
}

func TestRecordCloneAllocations(t *testing.T) {
	orig := fullRecord()
	// The record, one array for every byte slice, Transports and the
	// TrustPath headers.
	const want = 4
	if got := testing.AllocsPerRun(100, func() { _ = orig.Clone() }); got > want {
		t.Errorf("Clone allocates %v times, want at most %d", got, want)
	}
}

func TestRecordDecodedOwnsItsBytes(t *testing.T) {
	rec := fullRecord()
	for _, enc := range recordEncodings {
		data, err := enc.marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		var got Record
		if err := enc.unmarshal(&got, data); err != nil {
			t.Fatal(err)
		}
		for i := range data {
			data[i] = 0
		}
		if !reflect.DeepEqual(got, rec) {
			t.Errorf("%s: the decoded record changed with its input", enc.name)
		}
	}
}

// TestAppendJSONString: the direct path writes what encoding/json writes.
func TestAppendJSONString(t *testing.T) {
	for c := 0; c < 0x80; c++ {
		for _, s := range []string{string(rune(c)), "a" + string(rune(c)) + "z"} {
			want, _ := json.Marshal(s)
			if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
				t.Errorf("%q: %s, encoding/json writes %s", s, got, want)
			}
		}
	}
	for _, s := range []string{"", "\u00e9", "\u2028", "a\u2029b", "😀"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: %s, encoding/json writes %s", s, got, want)
		}
	}
}
