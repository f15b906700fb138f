// Command plan is `make bench`: it plans a generated report of 100,000 people against 100,000
// stored profiles (SQLite) and reports the time as a ratio to a bare encoding/json decode of the
// same report, measured in the same run, plus the planning process's peak RSS against the
// report's size. Each measurement runs in a child process of its own, so that one's memory does
// not count against the other.
//
//	go run ./bench/plan [-people 100000] [-changed 0.01] [-runs 3]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

func main() {
	people := flag.Int("people", 100_000, "people in the report and the store")
	changed := flag.Float64("changed", 0.01, "share of people whose row changed since the profiles were stored")
	runs := flag.Int("runs", 3, "measurements of each kind; the fastest counts")
	child := flag.String("child", "", "internal: run one measurement (decode|plan) in this process")
	dir := flag.String("dir", "", "internal: the working directory of the run")
	flag.Parse()

	var err error
	if *child != "" {
		err = measure(*child, *dir)
	} else {
		err = run(*people, *changed, *runs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(people int, changed float64, runs int) error {
	dir, err := os.MkdirTemp("", "ilm-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("generating %d people (%.1f%% changed)…\n", people, changed*100)
	if err := prepare(dir, people, changed); err != nil {
		return err
	}
	info, err := os.Stat(filepath.Join(dir, "report.json"))
	if err != nil {
		return err
	}
	decode, _, err := fastest(dir, "decode", runs)
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
	fmt.Printf("bare encoding/json decode: %v\n", decode.Round(time.Millisecond))
	fmt.Printf("ilm plan (store + decode + map + detect): %v\n", plan.Round(time.Millisecond))
	fmt.Printf("time ratio plan/decode: %.2f (target <= 2.0)\n", ratio)
	fmt.Printf("plan peak RSS: %.1f MiB = %.2f x report size (target <= 3.0)\n", mib(rss), rssRatio)
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// fastest runs a measurement runs times in child processes and returns the fastest time and
// the largest peak RSS.
func fastest(dir, kind string, runs int) (time.Duration, int64, error) {
	var times []time.Duration
	var peak int64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(os.Args[0], "-child", kind, "-dir", dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", kind, err)
		}
		ns, err := strconv.ParseInt(string(out), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s printed %q", kind, out)
		}
		times = append(times, time.Duration(ns))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss*1024 > peak {
			peak = ru.Maxrss * 1024 // Linux reports KiB
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[0], peak, nil
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
		start := time.Now()
		plan, err := p.Plan(ctx, "workday", hrsync.Options{Now: benchNow})
		elapsed = time.Since(start)
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
	fmt.Print(elapsed.Nanoseconds())
	return nil
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
