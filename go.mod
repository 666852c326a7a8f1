module github.com/gopasskey/passkey

go 1.26.0

require github.com/fxamacker/cbor/v2 v2.9.6

require (
	filippo.io/mldsa v1.0.0 // indirect
	github.com/cloudflare/circl v1.6.5 // indirect
	github.com/go-jose/go-jose/v4 v4.1.8 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/net v0.62.0 // indirect
)
