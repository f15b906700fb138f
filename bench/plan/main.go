// Command plan is `make bench`: it plans a generated report of 100,000 people against 100,000
// stored profiles (SQLite) and reports the time as a ratio to a bare encoding/json decode of the
// same report, measured in the same run, plus the planning process's peak RSS against the
// report's size. Each measurement runs in a child process of its own, so that one's memory does
// not count against the other.
//
//	go run ./bench/plan [-people 100000[,1000000]] [-changed 0.05] [-runs 3] [-keep DIR]
//
// Times are medians, wall and CPU (user + system, GC included), of runs alternating a decode
// and a plan, so that on a shared machine both see the same load; the CPU ratio is the
// steadier one there. With a list of sizes it also prints how the time per person grows.
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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/hrsync"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
)

func main() {
	people := flag.String("people", "100000", "people in the report and the store; a comma-separated list measures each size and compares their time per person")
	changed := flag.Float64("changed", 0.05, "share of people whose row changed since the profiles were stored")
	runs := flag.Int("runs", 3, "measurements of each kind, alternating decode and plan; the medians count")
	child := flag.String("child", "", "internal: run one measurement (decode|plan) in this process")
	dir := flag.String("dir", "", "internal: the working directory of the run")
	keep := flag.String("keep", "", "generate into this directory (DIR/N for each size of a list) and keep it; reuse what it holds")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the (last) plan measurement to this file")
	flag.StringVar(&memProfile, "memprofile", "", "write an allocation profile of the (last) plan measurement to this file")
	flag.Parse()

	var err error
	if *child != "" {
		err = measure(*child, *dir)
	} else {
		err = runSizes(*people, *changed, *runs, *keep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runSizes measures each size of the list and, for more than one, how the time per person
// grows from the smallest to the largest: linear growth keeps it level.
func runSizes(list string, changed float64, runs int, keep string) error {
	var sizes []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("-people: %q is not a number of people", f)
		}
		sizes = append(sizes, n)
	}
	var perPerson []figures
	for _, n := range sizes {
		dir := keep
		if keep != "" && len(sizes) > 1 {
			dir = filepath.Join(keep, strconv.Itoa(n))
		}
		pp, err := run(n, changed, runs, dir)
		if err != nil {
			return fmt.Errorf("%d people: %w", n, err)
		}
		perPerson = append(perPerson, pp)
	}
	if len(sizes) > 1 {
		first, last := perPerson[0], perPerson[len(perPerson)-1]
		fmt.Printf("growth of the plan's time per person from %d to %d people (linear: x1): wall %v -> %v x%.2f, CPU %v -> %v x%.2f\n",
			sizes[0], sizes[len(sizes)-1], first.wall, last.wall, float64(last.wall)/float64(first.wall),
			first.cpu, last.cpu, float64(last.cpu)/float64(first.cpu))
	}
	return nil
}

// run measures one size and returns the plan's median wall and CPU time per person.
func run(people int, changed float64, runs int, keep string) (figures, error) {
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ilm-bench-")
		if err != nil {
			return figures{}, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if _, err := os.Stat(filepath.Join(dir, "ilm.db")); err == nil && keep != "" {
		fmt.Printf("reusing the report and store in %s\n", dir)
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return figures{}, err
		}
		fmt.Printf("generating %d people (%.1f%% changed)…\n", people, changed*100)
		if err := prepare(dir, people, changed); err != nil {
			return figures{}, err
		}
	}
	info, err := os.Stat(filepath.Join(dir, "report.json"))
	if err != nil {
		return figures{}, err
	}
	decode, plan, err := measureBoth(dir, runs)
	if err != nil {
		return figures{}, err
	}
	if plan.rows != decode.rows {
		return figures{}, fmt.Errorf("the plan read %d rows, the decode %d", plan.rows, decode.rows)
	}
	people = plan.rows // a kept report may not have -people rows
	fmt.Printf("report: %d people, %.1f MiB; medians of %d runs of each, alternating\n", people, mib(info.Size()), runs)
	fmt.Printf("bare encoding/json decode: %v (CPU %v), peak RSS %.1f MiB\n",
		decode.wall.Round(time.Millisecond), decode.cpu.Round(time.Millisecond), mib(decode.rss))
	perPerson := figures{wall: plan.wall / time.Duration(people), cpu: plan.cpu / time.Duration(people)}
	fmt.Printf("ilm plan (store + decode + map + detect): %v (CPU %v) = %v (CPU %v) per person\n",
		plan.wall.Round(time.Millisecond), plan.cpu.Round(time.Millisecond), perPerson.wall, perPerson.cpu)
	fmt.Printf("time ratio plan/decode: %.2f wall, %.2f CPU (target <= 1.3)\n",
		plan.wall.Seconds()/decode.wall.Seconds(), plan.cpu.Seconds()/decode.cpu.Seconds())
	fmt.Printf("plan peak RSS: %.1f MiB = %.2f x report size (target <= 1.5)\n", mib(plan.rss), float64(plan.rss)/float64(info.Size()))
	return perPerson, nil
}

// cpuProfile and memProfile name the profiles of the plan measurement ("" = none).
var cpuProfile, memProfile string

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// figures are the medians of one kind of measurement, and its largest peak RSS.
type figures struct {
	wall, cpu time.Duration
	rss       int64
	rows      int // the report's rows, as the measurement counted them
}

// measureBoth runs each measurement runs times in child processes, a decode then a plan in
// turn, so that both see the same load of a shared machine, and returns their figures.
//
// Each child reports its own peak RSS (VmHWM): the rusage the parent gets from wait4 is no
// use here, because Linux folds into a child's ru_maxrss the peak of the address space it
// replaced at exec, which for a vfork-style spawn is this parent's, swollen by generating
// the data.
func measureBoth(dir string, runs int) (decode, plan figures, err error) {
	var walls, cpus [2][]time.Duration
	var peaks [2]int64
	var counted [2]int
	for i := 0; i < runs; i++ {
		for k, kind := range []string{"decode", "plan"} {
			args := []string{"-child", kind, "-dir", dir}
			if kind == "plan" {
				args = append(args, "-cpuprofile", cpuProfile, "-memprofile", memProfile)
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				return decode, plan, fmt.Errorf("%s: %w", kind, err)
			}
			var ns, cpu, hwm int64
			var rows int
			if _, err := fmt.Sscan(string(out), &ns, &cpu, &hwm, &rows); err != nil {
				return decode, plan, fmt.Errorf("%s printed %q", kind, out)
			}
			walls[k] = append(walls[k], time.Duration(ns))
			cpus[k] = append(cpus[k], time.Duration(cpu))
			peaks[k] = max(peaks[k], hwm)
			counted[k] = rows
		}
	}
	fig := func(k int) figures {
		return figures{wall: median(walls[k]), cpu: median(cpus[k]), rss: peaks[k], rows: counted[k]}
	}
	return fig(0), fig(1), nil
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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

// measure runs one measurement and prints its wall and CPU nanoseconds and peak RSS bytes.
func measure(kind, dir string) error {
	report := filepath.Join(dir, "report.json")
	var elapsed, cpu time.Duration
	var rows int
	switch kind {
	case "decode":
		start, cpuStart := time.Now(), cpuTime()
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
		elapsed, cpu = time.Since(start), cpuTime()-cpuStart
		rows = len(doc.ReportEntry)
		if rows == 0 {
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
		start, cpuStart := time.Now(), cpuTime()
		plan, err := p.Plan(ctx, "workday", hrsync.Options{Now: benchNow})
		elapsed, cpu = time.Since(start), cpuTime()-cpuStart
		if err := stop(); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		if len(plan.Result.Events) == 0 {
			return fmt.Errorf("plan found no events")
		}
		rows = plan.Rows
		fmt.Fprintf(os.Stderr, "plan: %d rows, %d events, %d row errors\n", plan.Rows, len(plan.Result.Events), len(plan.Result.Errors))
	default:
		return fmt.Errorf("unknown measurement %q", kind)
	}
	hwm, err := peakRSS()
	if err != nil {
		return err
	}
	fmt.Print(elapsed.Nanoseconds(), " ", cpu.Nanoseconds(), " ", hwm, " ", rows)
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
