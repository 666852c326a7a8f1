package bench

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchmarkAssertion times the verification of one sign-in response
// (parse and verify) by passkey and by go-webauthn, for ES256, RS256,
// EdDSA, ES384 and PS256 credentials.
func BenchmarkAssertion(b *testing.B) { benchCases(b, assertionCases(b)) }

// BenchmarkRegistration times the verification of one registration
// response (ES256 credential) with none, packed self and packed x5c
// attestation without trust anchors, and packed x5c verified to a trust
// anchor (see anchoredCase).
func BenchmarkRegistration(b *testing.B) { benchCases(b, registrationCases(b)) }

// benchCases runs, for each case, the paired benchmarks that give the
// ratios (paired: all three sides; vsbare: passkey and the bare check), and
// one benchmark per side for -benchmem and profiles.
func benchCases(b *testing.B, cases []benchCase) {
	for _, c := range cases {
		b.Run(c.name+"/paired", func(b *testing.B) { paired(b, c, true) })
		b.Run(c.name+"/vsbare", func(b *testing.B) { paired(b, c, false) })
		b.Run(c.name+"/ours", func(b *testing.B) { alone(b, c.ours) })
		b.Run(c.name+"/gowebauthn", func(b *testing.B) { alone(b, c.theirs) })
		b.Run(c.name+"/bare", func(b *testing.B) { alone(b, c.bare) })
	}
}

// maxSamples bounds the per-call durations a paired run keeps for its
// medians (the first calls; 6 × 512 KiB allocated before the timer).
const maxSamples = 1 << 16

// The sides of a paired run.
const (
	sideOurs = iota
	sideTheirs
	sideBare
	sides
)

// paired runs passkey, go-webauthn and the bare check one after the other
// in the same loop, timing each call, and reports each side's median call
// time (ours-med-ns, gowebauthn-med-ns, bare-med-ns) and the ratios
// ours/theirs and ours/bare of the per-call medians (med-x-gowebauthn,
// med-x-bare), which a preempted call cannot move, and of the total times
// (x-gowebauthn, x-bare, with the mean times per call). On a shared machine
// separate benchmarks drift apart between runs; calls interleaved this
// closely see the same machine. The order alternates so that neither side
// always runs on a cache the other warmed.
//
// Without withTheirs (the vsbare sub-benchmarks) only passkey and the bare
// check alternate, and only the median metrics are reported: the ratio to
// the bare check then owes nothing to go-webauthn's garbage and cache
// footprint.
//
// Where the thread's CPU clock can be read (Linux), it also reports the
// ratios of the per-call medians of CPU time (cpu-x-gowebauthn,
// cpu-x-bare): the goroutine is locked to its thread, so these leave out
// the time the thread waited for a CPU, which is most of what a loaded
// machine adds to the wall clock.
func paired(b *testing.B, c benchCase, withTheirs bool) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_, haveCPU := threadCPU()
	fns := [sides]verifier{sideOurs: c.ours, sideTheirs: c.theirs, sideBare: c.bare}
	var total [sides]time.Duration
	var samples, cpuSamples [sides][]time.Duration
	for i := range samples {
		samples[i] = make([]time.Duration, 0, maxSamples)
		if haveCPU {
			cpuSamples[i] = make([]time.Duration, 0, maxSamples)
		}
	}
	run := func(side int) {
		var cpu0 time.Duration
		if haveCPU {
			cpu0, _ = threadCPU()
		}
		start := time.Now()
		err := fns[side]()
		d := time.Since(start)
		if haveCPU {
			cpu1, _ := threadCPU()
			if len(cpuSamples[side]) < maxSamples {
				cpuSamples[side] = append(cpuSamples[side], cpu1-cpu0)
			}
		}
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
			if withTheirs {
				run(sideTheirs)
			}
			run(sideBare)
		} else {
			run(sideBare)
			if withTheirs {
				run(sideTheirs)
			}
			run(sideOurs)
		}
		i++
	}
	b.ReportMetric(0, "ns/op") // the sum of the verifiers means nothing
	b.ReportMetric(median(samples[sideOurs]), "ours-med-ns")
	b.ReportMetric(median(samples[sideBare]), "bare-med-ns")
	b.ReportMetric(median(samples[sideOurs])/median(samples[sideBare]), "med-x-bare")
	if haveCPU {
		b.ReportMetric(median(cpuSamples[sideOurs])/median(cpuSamples[sideBare]), "cpu-x-bare")
	}
	if !withTheirs {
		return
	}
	n := float64(b.N)
	b.ReportMetric(float64(total[sideOurs].Nanoseconds())/n, "ours-ns/op")
	b.ReportMetric(float64(total[sideTheirs].Nanoseconds())/n, "gowebauthn-ns/op")
	b.ReportMetric(float64(total[sideBare].Nanoseconds())/n, "bare-ns/op")
	b.ReportMetric(float64(total[sideOurs])/float64(total[sideTheirs]), "x-gowebauthn")
	b.ReportMetric(float64(total[sideOurs])/float64(total[sideBare]), "x-bare")
	b.ReportMetric(median(samples[sideTheirs]), "gowebauthn-med-ns")
	b.ReportMetric(median(samples[sideOurs])/median(samples[sideTheirs]), "med-x-gowebauthn")
	if haveCPU {
		b.ReportMetric(median(cpuSamples[sideOurs])/median(cpuSamples[sideTheirs]), "cpu-x-gowebauthn")
	}
}

// median returns the median of s, which it sorts.
func median(s []time.Duration) float64 {
	slices.Sort(s)
	return float64(s[len(s)/2])
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
