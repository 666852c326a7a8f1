package origin_test

import (
	"errors"
	"fmt"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/origin"
)

func ExampleNewSet() {
	set, err := origin.NewSet("example.com", []string{
		"https://example.com:443", // stored without its default port
		"https://login.example.com",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.Origins())

	for _, received := range []string{"https://login.example.com", "https://example.com:443", "https://evilexample.com"} {
		err := set.Check(received)
		var e *errcode.Error
		if errors.As(err, &e) {
			fmt.Printf("%s: %s: %s\n", received, e.Code, e.Detail)
			continue
		}
		fmt.Printf("%s: accepted\n", received)
	}

	_, err = origin.NewSet("example.com", []string{"http://example.com"})
	fmt.Println(err)
	// Output:
	// [https://example.com https://login.example.com]
	// https://login.example.com: accepted
	// https://example.com:443: origin-mismatch: origin is not accepted: its port differs from the closest accepted origin (a browser never sends the default port)
	// https://evilexample.com: origin-mismatch: origin is not accepted: its host differs from the closest accepted origin
	// passkey: configuration: Origins[0]: "http://example.com": http is allowed only for localhost (serve the site over https: https://example.com)
}

func ExampleAllowCrossOrigin() {
	set, err := origin.NewSet("example.com", []string{"https://example.com"},
		origin.AllowCrossOrigin("https://partner.example"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.CheckCrossOrigin(true, "https://partner.example", true))
	fmt.Println(errcode.Code(set.CheckCrossOrigin(true, "https://evil.example", true)))
	// Output:
	// <nil>
	// cross-origin-not-allowed
}

func ExampleSet_RPIDHash() {
	set, err := origin.NewSet("example.com", []string{"https://example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The first 32 bytes of authenticator data must equal it.
	h := set.RPIDHash()
	fmt.Printf("%x\n", h)
	// Output:
	// a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947
}
