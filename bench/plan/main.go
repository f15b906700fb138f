// Command plan is `make bench`: it plans a generated report of 100,000 people against 100,000
// stored profiles (SQLite) and reports the time as a ratio to a bare encoding/json decode of the
// same report, measured in the same run, plus the planning process's peak RSS against the
// report's size. Each measurement runs in a child process of its own, so that one's memory does
// not count against the other.
//
//	go run ./bench/plan [-people 100000] [-changed 0.05] [-runs 3] [-keep DIR]
//
// With -keep, the generated report and store are written to DIR and left there (and reused
// when DIR already holds them), for profiling: `go run ./bench/plan -keep /tmp/b -runs 1`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

func main() {
	people := flag.Int("people", 100_000, "people in the report and the store")
	changed := flag.Float64("changed", 0.05, "share of people whose row changed since the profiles were stored")
	runs := flag.Int("runs", 3, "measurements of each kind; the fastest counts")
	child := flag.String("child", "", "internal: run one measurement (decode|plan) in this process")
	dir := flag.String("dir", "", "internal: the working directory of the run")
	keep := flag.String("keep", "", "generate into this directory and keep it; reuse what it holds")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the (last) plan measurement to this file")
	flag.StringVar(&memProfile, "memprofile", "", "write an allocation profile of the (last) plan measurement to this file")
	flag.Parse()

	var err error
	if *child != "" {
		err = measure(*child, *dir)
	} else {
		err = run(*people, *changed, *runs, *keep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(people int, changed float64, runs int, keep string) error {
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ilm-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if _, err := os.Stat(filepath.Join(dir, "ilm.db")); err == nil && keep != "" {
		fmt.Printf("reusing the report and store in %s\n", dir)
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		fmt.Printf("generating %d people (%.1f%% changed)…\n", people, changed*100)
		if err := prepare(dir, people, changed); err != nil {
			return err
		}
	}
	info, err := os.Stat(filepath.Join(dir, "report.json"))
	if err != nil {
		return err
	}
	decode, decodeRSS, err := fastest(dir, "decode", runs)
	if err != nil {
		return err
	}
	plan, rss, err := fastest(dir, "plan", runs)
	if err != nil {
		return err
	}
	ratio := plan.Seconds() / decode.Seconds()
	rssRatio := float64(rss) / float64(info.Size())
	fmt.Printf("report: %d people, %.1f MiB\n", people, mib(info.Size()))
	fmt.Printf("bare encoding/json decode: %v, peak RSS %.1f MiB\n", decode.Round(time.Millisecond), mib(decodeRSS))
	fmt.Printf("ilm plan (store + decode + map + detect): %v\n", plan.Round(time.Millisecond))
	fmt.Printf("time ratio plan/decode: %.2f (target <= 1.3)\n", ratio)
	fmt.Printf("plan peak RSS: %.1f MiB = %.2f x report size (target <= 1.5)\n", mib(rss), rssRatio)
	return nil
}

// cpuProfile and memProfile name the profiles of the plan measurement ("" = none).
var cpuProfile, memProfile string

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// fastest runs a measurement runs times in child processes and returns the fastest time and
// the largest peak RSS.
//
// Each child reports its own peak RSS (VmHWM): the rusage the parent gets from wait4 is no
// use here, because Linux folds into a child's ru_maxrss the peak of the address space it
// replaced at exec, which for a vfork-style spawn is this parent's, swollen by generating
// the data.
func fastest(dir, kind string, runs int) (time.Duration, int64, error) {
	var times []time.Duration
	var peak int64
	for i := 0; i < runs; i++ {
		args := []string{"-child", kind, "-dir", dir}
		if kind == "plan" {
			args = append(args, "-cpuprofile", cpuProfile, "-memprofile", memProfile)
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", kind, err)
		}
		var ns, hwm int64
		if _, err := fmt.Sscan(string(out), &ns, &hwm); err != nil {
			return 0, 0, fmt.Errorf("%s printed %q", kind, out)
		}
		times = append(times, time.Duration(ns))
		peak = max(peak, hwm)
	}
	slices.Sort(times)
	return times[0], peak, nil
}

// peakRSS reads this process's peak resident set size from /proc/self/status.
func peakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kib << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// measure runs one measurement and prints its nanoseconds.
func measure(kind, dir string) error {
	report := filepath.Join(dir, "report.json")
	var elapsed time.Duration
	switch kind {
	case "decode":
		start := time.Now()
		f, err := os.Open(report)
		if err != nil {
			return err
		}
		defer f.Close()
		var doc struct {
			ReportEntry []map[string]any `json:"Report_Entry"`
		}
		if err := json.NewDecoder(f).Decode(&doc); err != nil {
			return err
		}
		elapsed = time.Since(start)
		if len(doc.ReportEntry) == 0 {
			return fmt.Errorf("empty report")
		}
	case "plan":
		ctx := context.Background()
		p, st, err := planner(ctx, dir)
		if err != nil {
			return err
		}
		defer st.Close()
		stop, err := startProfiles()
		if err != nil {
			return err
		}
		start := time.Now()
		plan, err := p.Plan(ctx, "workday", hrsync.Options{Now: benchNow})
		elapsed = time.Since(start)
		if err := stop(); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		if len(plan.Result.Events) == 0 {
			return fmt.Errorf("plan found no events")
		}
		fmt.Fprintf(os.Stderr, "plan: %d rows, %d events, %d row errors\n", plan.Rows, len(plan.Result.Events), len(plan.Result.Errors))
	default:
		return fmt.Errorf("unknown measurement %q", kind)
	}
	hwm, err := peakRSS()
	if err != nil {
		return err
	}
	fmt.Print(elapsed.Nanoseconds(), " ", hwm)
	return nil
}

// startProfiles starts the CPU profile and samples every allocation when asked to; stop
// writes them.
func startProfiles() (stop func() error, err error) {
	if memProfile != "" {
		runtime.MemProfileRate = 1 << 10
	}
	var cpu *os.File
	if cpuProfile != "" {
		if cpu, err = os.Create(cpuProfile); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			return nil, err
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return err
			}
		}
		if memProfile == "" {
			return nil
		}
		f, err := os.Create(memProfile)
		if err != nil {
			return err
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
		return f.Close()
	}, nil
}

var benchNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func planner(ctx context.Context, dir string) (*hrsync.Planner, store.Store, error) {
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
instances:
  - name: workday
    type: workday
    report_url: %q
    sync_on_first_run: true
`, "file:"+filepath.Join(dir, "report.json"))))
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "ilm.db"))
	if err != nil {
		return nil, nil, err
	}
	return &hrsync.Planner{Config: cfg, Store: st}, st, nil
}
