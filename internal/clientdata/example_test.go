package clientdata_test

import (
	"fmt"

	"github.com/gopasskey/passkey/errcode"
	"github.com/gopasskey/passkey/internal/clientdata"
	"github.com/gopasskey/passkey/origin"
)

func Example() {
	set, err := origin.NewSet("example.com", []string{"https://example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	challenge := []byte("0123456789abcdef") // as issued and stored with the session

	raw := []byte(`{"type":"webauthn.get","challenge":"MDEyMzQ1Njc4OWFiY2RlZg","origin":"https://example.com","crossOrigin":false}`)
	c, err := clientdata.Parse(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Verify(clientdata.TypeGet, challenge, set))

	// The same response presented as a registration fails at the first check.
	err = c.Verify(clientdata.TypeCreate, challenge, set)
	fmt.Println(errcode.Code(err))
	// Output:
	// <nil>
	// type-mismatch
}
