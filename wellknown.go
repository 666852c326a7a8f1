package passkey

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// maxRelatedOriginLabels is the number of registrable origin labels a
// client must support in a related origins document (#sctn-related-origins);
// Chromium supports exactly this many and silently skips origins with
// further labels.
const maxRelatedOriginLabels = 5

// WellKnownWebAuthn returns the related origins document of
// #sctn-related-origins, {"origins": [...]} with Config.RelatedOrigins in
// their order. Serve it at https://<RP ID>/.well-known/webauthn with status
// 200 and content type application/json, so that browsers let those
// origins use the RP ID:
//
//	mux.HandleFunc("GET /.well-known/webauthn", func(w http.ResponseWriter, r *http.Request) {
//		doc, err := rp.WellKnownWebAuthn()
//		if err != nil {
//			http.NotFound(w, r)
//			return
//		}
//		w.Header().Set("Content-Type", "application/json")
//		w.Write(doc)
//	})
//
// Without related origins there is nothing to serve, and it returns a
// [*ConfigError]. [New] has already checked that the origins use at most
// five registrable origin labels, the most a client must support.
func (rp *RelyingParty) WellKnownWebAuthn() ([]byte, error) {
	related := rp.origins.RelatedOrigins()
	if len(related) == 0 {
		return nil, &ConfigError{Field: "Config.RelatedOrigins", Problem: "empty, so there is no related origins document",
			Fix: "list the other sites' origins in RelatedOrigins, or answer 404 at /.well-known/webauthn"}
	}
	return json.Marshal(struct {
		Origins []string `json:"origins"`
	}{related})
}

// registrableOriginLabel is the label of #sctn-related-origins: the
// registrable domain of host (eTLD+1, by the public suffix list) without
// its public suffix, such as "example" for login.example.co.uk; "" for a
// host without a registrable domain.
func registrableOriginLabel(host string) string {
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	label, _, _ := strings.Cut(reg, ".")
	return label
}

// checkRelatedOriginLabels checks that a client honours every related
// origin: each has a registrable origin label (clients skip those that do
// not) and together they use at most five labels (clients skip origins
// with further labels, #sctn-validating-relation-origin).
func checkRelatedOriginLabels(related []string) error {
	var labels []string
	for i, o := range related {
		u, err := url.Parse(o)
		if err != nil { // unreachable: origin.NewSet accepted it
			continue
		}
		label := registrableOriginLabel(strings.ToLower(u.Hostname()))
		field := "Config.RelatedOrigins[" + strconv.Itoa(i) + "]"
		switch {
		case label == "":
			return &ConfigError{Field: field, Problem: quoteConfig(o) + " has no registrable domain, so clients never accept it as a related origin",
				Fix: "list origins on registrable domains (example.co.uk, not co.uk or localhost)"}
		case slices.Contains(labels, label):
		case len(labels) == maxRelatedOriginLabels:
			return &ConfigError{Field: field,
				Problem: quoteConfig(o) + " brings a sixth registrable origin label (" + label + " after " + strings.Join(labels, ", ") +
					"); clients need support only five and skip origins with further labels",
				Fix: "keep the related origins to five labels (example.com and example.de share one), or use fewer sites"}
		default:
			labels = append(labels, label)
		}
	}
	return nil
}
