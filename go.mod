module github.com/gopasskey/passkey

go 1.26.0

require (
	filippo.io/mldsa v1.0.0
	github.com/cloudflare/circl v1.6.5
	github.com/fxamacker/cbor/v2 v2.9.6
	golang.org/x/crypto v0.58.0
	golang.org/x/net v0.62.0
)

require (
	github.com/go-jose/go-jose/v4 v4.1.8 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
