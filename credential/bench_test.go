package credential

import "testing"

func BenchmarkParseAuthenticatorData(b *testing.B) {
	for _, c := range []struct{ name, sample string }{
		{"assertion-37B", "w3c-auth-none-es256"},
		{"attested-ES256", "w3c-none-es256"},
		{"attested-ES256-extensions", "swa-authenticator-extension-output"},
	} {
		data := sample(b, c.sample)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseAuthenticatorData(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExtensionOutputs(b *testing.B) {
	a, err := ParseAuthenticatorData(sample(b, "py-none-ml-dsa-44"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ext, err := a.ExtensionOutputs()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ext.CredProtect(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord measures both encodings on a passkey record without a
// trust path ("none") and on one with a three-certificate chain ("packed").
func BenchmarkRecord(b *testing.B) {
	goldens := map[string]Record{}
	for _, g := range goldenRecords(b) {
		goldens[g.name] = g.rec
	}
	for _, name := range []string{"none", "packed"} {
		rec := goldens[name]
		for _, enc := range recordEncodings {
			data, err := enc.marshal(&rec)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(name+"/"+enc.name+"/marshal", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := enc.marshal(&rec); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/"+enc.name+"/unmarshal", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					var r Record
					if err := enc.unmarshal(&r, data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
