// Command ad is the Active Directory pipeline benchmark (`make bench`). On one Temporal dev
// server, a Samba AD DC (ILM_TEST_AD_*) and an SMTP server (ILM_TEST_SMTP_ADDR), with an
// SQLite store and the worker ilm-worker runs (built by internal/wiring, in this process), it
// measures in each round, one after the other:
//
//   - no-op workflows, two activities: N workflows of two activities that do nothing, the
//     shape of a New Hire and of an AD Activation (a target call, then the profile commit);
//   - no-op workflows, one activity;
//   - ILM new hires: a Workday poll of a report of N new hires, until N disabled AD accounts
//     exist and every New Hire incident has completed;
//   - ILM activations: the poll that makes them due, until every AD Activation (a password
//     set, mailed to the service desk, the account enabled, the profile stored) completed;
//   - raw LDAPS adds: the same N entries (read back, deleted, added again) over plain
//     go-ldap connections, no workflow;
//   - raw activations: a password set, pwdLastSet, the account enabled and one SMTP mail per
//     person, no workflow.
//
// Each round's ILM figures are divided by the same round's baselines, and the medians over
// the rounds are printed: the machine may be shared, and only what ran side by side compares.
// Then one new hire, alone: the time from a poll (two polls: New Hire, then AD Activation) and
// from `ilm provision` (with -ilm) to an enabled account.
//
//	go run ./bench/ad -temporal 127.0.0.1:7233 [-people 1000] [-rounds 1] [-ilm bin/ilm]
//	    [-cpuprofile /tmp/ad] [-pids temporal=PID,samba=PID,smtp=PID]
//
// With -cpuprofile, the first round's ILM stages write CPU profiles of this process (the
// worker) to PREFIX-newhire.pprof and PREFIX-activation.pprof, and its blocking profiles
// (cumulative) to PREFIX-newhire.block.pprof and PREFIX-activation.block.pprof
// (`go tool pprof -top`). With
// -pids, each stage also reports the CPU seconds those processes (and their process groups)
// used. scripts/bench.sh starts the servers it needs and passes both.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"
)

func main() {
	people := flag.Int("people", 1000, "new hires per round")
	rounds := flag.Int("rounds", 1, "rounds; each runs every stage once, the medians are printed")
	addr := flag.String("temporal", os.Getenv("ILM_BENCH_TEMPORAL_ADDRESS"), "Temporal frontend host:port")
	ilm := flag.String("ilm", "", "the ilm binary, for the one-person figure of `ilm provision` (skipped when empty)")
	singles := flag.Int("singles", 3, "one-person runs (each way); the median is printed")
	profile := flag.String("cpuprofile", "", "write the first round's CPU profiles of the ILM stages to PREFIX-<stage>.pprof")
	conns := flag.Int("ad-connections", 0, "the AD instance's max_connections (0: ILM's default)")
	pids := flag.String("pids", "", "name=PID,…: report the CPU time of these processes (with their process groups) per stage")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "bench: -temporal (or ILM_BENCH_TEMPORAL_ADDRESS) is required; scripts/bench.sh starts a dev server")
		os.Exit(2)
	}
	procs, err := parsePids(*pids)
	if err == nil {
		err = run(options{people: *people, rounds: *rounds, addr: *addr, ilm: *ilm, singles: *singles, profile: *profile, procs: procs, adConnections: *conns})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	people, rounds, singles int
	adConnections           int
	addr, ilm, profile      string
	procs                   []proc
}

// stage is one measurement of one round.
type stage struct {
	name string
	took time.Duration
	cpu  string // CPU seconds by process, when -pids
}

func run(o options) error {
	ctx := context.Background()
	dc, err := openDomain()
	if err != nil {
		return err
	}
	defer dc.close()
	b, err := newBench(ctx, o, dc)
	if err != nil {
		return err
	}
	defer b.close()
	fmt.Printf("AD pipeline: %d new hires per round, %d round(s); DC %s, SMTP %s, Temporal %s\n",
		o.people, o.rounds, dc.url, b.smtpAddr, o.addr)

	all := map[string][]time.Duration{}
	ratios := map[string][]float64{}
	for r := 1; r <= o.rounds; r++ {
		stages, notes, err := b.round(ctx, r)
		if err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		took := map[string]time.Duration{}
		for _, s := range stages {
			took[s.name] = s.took
			all[s.name] = append(all[s.name], s.took)
			fmt.Printf("  round %d  %-26s %8.2fs  %6.0f/min  %s\n", r, s.name, s.took.Seconds(), perMin(o.people, s.took), s.cpu)
		}
		fmt.Print(notes)
		for _, c := range comparisons {
			ratios[c.name()] = append(ratios[c.name()], took[c.base].Seconds()/took[c.ilm].Seconds())
		}
	}

	fmt.Printf("AD pipeline, medians of %d round(s) of %d people (the ratio is ILM's rate over the baseline's, same round):\n", o.rounds, o.people)
	for _, name := range stageOrder {
		fmt.Printf("  %-26s %6.0f people/min\n", name, perMin(o.people, median(all[name])))
	}
	for _, c := range comparisons {
		fmt.Printf("  ratio %-38s %.2f\n", c.name(), medianF(ratios[c.name()]))
	}

	if o.singles > 0 {
		if err := b.single(ctx, o.singles); err != nil {
			return fmt.Errorf("one person: %w", err)
		}
	}
	return nil
}

// Stage names, in the order each round runs them.
const (
	stNoop2       = "no-op, 2 activities"
	stNoop1       = "no-op, 1 activity"
	stNewHire     = "ILM new hires"
	stActivation  = "ILM activations"
	stRawAdd      = "raw LDAPS adds"
	stRawActivate = "raw LDAPS activations+mail"
)

var stageOrder = []string{stNoop2, stNoop1, stNewHire, stActivation, stRawAdd, stRawActivate}

// comparison is one printed ratio: the ILM stage's rate over the baseline's.
type comparison struct{ ilm, base string }

func (c comparison) name() string { return c.ilm + " / " + c.base }

var comparisons = []comparison{
	{stNewHire, stNoop2}, {stNewHire, stNoop1}, {stNewHire, stRawAdd},
	{stActivation, stNoop2}, {stActivation, stNoop1}, {stActivation, stRawActivate},
}

func perMin(n int, d time.Duration) float64 { return float64(n) / d.Minutes() }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(fs []float64) float64 {
	s := slices.Clone(fs)
	slices.Sort(s)
	return s[len(s)/2]
}
