package clientdata

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
)

// recorded is one ceremony of testdata/recorded.json: real clientDataJSON
// with what the relying party expected (see testdata/README.md).
type recorded struct {
	Name             string   `json:"name"`
	Ceremony         string   `json:"ceremony"`
	RPID             string   `json:"rpId"`
	Origins          []string `json:"origins"`
	AllowCrossOrigin bool     `json:"allowCrossOrigin"`
	TopOrigins       []string `json:"topOrigins"`
	Challenge        string   `json:"challenge"`
	ClientDataJSON   string   `json:"clientDataJSON"`
	Want             string   `json:"want"` // the code of the client data stage, "" for none
}

func loadRecorded(t testing.TB) []recorded {
	t.Helper()
	b, err := os.ReadFile("testdata/recorded.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []recorded
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no recorded cases")
	}
	return cases
}

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("fixture base64url: %v", err)
	}
	return b
}

// set builds the case's origin set. Some sources list origins outside the RP
// ID (to test a mismatch, or a multi-site deployment); those are related
// origins here, as a deployment would have to declare them.
func (r recorded) set(t testing.TB) *origin.Set {
	t.Helper()
	var own, related []string
	for _, o := range r.Origins {
		if _, err := origin.NewSet(r.RPID, []string{o}); err == nil {
			own = append(own, o)
		} else {
			related = append(related, o)
		}
	}
	opts := []origin.Option{origin.RelatedOrigins(related...)}
	if r.AllowCrossOrigin {
		opts = append(opts, origin.AllowCrossOrigin(r.TopOrigins...))
	}
	s, err := origin.NewSet(r.RPID, own, opts...)
	if err != nil {
		t.Fatalf("NewSet(%q, %q): %v", r.RPID, r.Origins, err)
	}
	return s
}

func (r recorded) typ() string {
	if r.Ceremony == "registration" {
		return TypeCreate
	}
	return TypeGet
}

func TestRecorded(t *testing.T) {
	counts := map[string]int{}
	for _, r := range loadRecorded(t) {
		t.Run(r.Name, func(t *testing.T) {
			c, err := Parse(b64(t, r.ClientDataJSON))
			if err == nil {
				err = c.Verify(r.typ(), b64(t, r.Challenge), r.set(t))
			}
			if got := errcode.Code(err); got != r.Want {
				t.Fatalf("code %q, want %q (%v)", got, r.Want, err)
			}
			var ce *errcode.ConfigError
			if errors.As(err, &ce) {
				t.Fatalf("configuration error: %v", err)
			}
			counts[r.Want]++
		})
	}
	t.Logf("recorded cases by verdict: %v", counts)
}
