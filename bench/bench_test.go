package bench

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkAssertion times the verification of one sign-in response
// (parse and verify) by passkey and by go-webauthn, for ES256, RS256 and
// EdDSA credentials.
func BenchmarkAssertion(b *testing.B) { benchCases(b, assertionCases(b)) }

// BenchmarkRegistration times the verification of one registration
// response with none, packed self and packed x5c attestation (ES256, no
// trust anchors on either side).
func BenchmarkRegistration(b *testing.B) { benchCases(b, registrationCases(b)) }

// benchCases runs, for each case, the paired benchmark that gives the
// ratios, and one benchmark per side for -benchmem.
func benchCases(b *testing.B, cases []benchCase) {
	for _, c := range cases {
		b.Run(c.name+"/paired", func(b *testing.B) { paired(b, c) })
		b.Run(c.name+"/ours", func(b *testing.B) { alone(b, c.ours) })
		b.Run(c.name+"/gowebauthn", func(b *testing.B) { alone(b, c.theirs) })
		b.Run(c.name+"/bare", func(b *testing.B) { alone(b, c.bare) })
	}
}

// maxSamples bounds the per-call durations a paired run keeps for its
// medians (the first calls; 3 × 512 KiB allocated before the timer).
const maxSamples = 1 << 16

// The sides of a paired run.
const (
	sideOurs = iota
	sideTheirs
	sideBare
	sides
)

// paired runs passkey, go-webauthn and the bare check one after the other
// in the same loop, timing each call, and reports each side's time per
// verification and the ratios ours/theirs (x-gowebauthn) and ours/bare
// (x-bare), from the total times as well as from the per-call medians
// (med-x-gowebauthn, med-x-bare), which a preempted call cannot move. On a
// shared machine separate benchmarks drift apart between runs; calls
// interleaved this closely see the same machine. The order alternates so
// that neither side always runs on a cache the other warmed.
func paired(b *testing.B, c benchCase) {
	fns := [sides]verifier{sideOurs: c.ours, sideTheirs: c.theirs, sideBare: c.bare}
	var total [sides]time.Duration
	var samples [sides][]time.Duration
	for i := range samples {
		samples[i] = make([]time.Duration, 0, maxSamples)
	}
	run := func(side int) {
		start := time.Now()
		err := fns[side]()
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		total[side] += d
		if len(samples[side]) < maxSamples {
			samples[side] = append(samples[side], d)
		}
	}
	i := 0
	for b.Loop() {
		if i&1 == 0 {
			run(sideOurs)
			run(sideTheirs)
			run(sideBare)
		} else {
			run(sideBare)
			run(sideTheirs)
			run(sideOurs)
		}
		i++
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op") // the sum of three verifiers means nothing
	b.ReportMetric(float64(total[sideOurs].Nanoseconds())/n, "ours-ns/op")
	b.ReportMetric(float64(total[sideTheirs].Nanoseconds())/n, "gowebauthn-ns/op")
	b.ReportMetric(float64(total[sideBare].Nanoseconds())/n, "bare-ns/op")
	b.ReportMetric(float64(total[sideOurs])/float64(total[sideTheirs]), "x-gowebauthn")
	b.ReportMetric(float64(total[sideOurs])/float64(total[sideBare]), "x-bare")
	med := func(side int) float64 {
		s := samples[side]
		slices.Sort(s)
		return float64(s[len(s)/2])
	}
	b.ReportMetric(med(sideOurs)/med(sideTheirs), "med-x-gowebauthn")
	b.ReportMetric(med(sideOurs)/med(sideBare), "med-x-bare")
}

// alone runs one verifier, for its allocations (-benchmem) and its
// profile (-cpuprofile).
func alone(b *testing.B, f verifier) {
	b.ReportAllocs()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
}
