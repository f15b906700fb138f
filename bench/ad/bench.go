package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/internal/wiring"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/workflows"
)

// bench is one run: the domain, the config and store, the worker, and the report so far.
type bench struct {
	o        options
	dc       *domain
	dir      string
	config   string
	smtpAddr string
	env      *wiring.Env
	tc       client.Client
	workers  []worker.Worker
	workday  string // the Workday instance: also the Instance search attribute of its incidents
	queue    string
	rows     []map[string]any
	// hired is everyone's hire date, a month away; every poll is as of two days before it,
	// when days_before_hire_to_enable_ad (3) makes a stored new hire due for activation.
	hired time.Time
	// polled is how long the last pollAndWait's poll took, its incidents started.
	polled time.Duration
}

// adPasswordEnv passes the bind password to the config in this process and to `ilm`.
const adPasswordEnv = "ILM_BENCH_AD_PASSWORD"

// startConcurrency is how many no-op workflows the bench starts at once.
const startConcurrency = 8

func newBench(ctx context.Context, o options, dc *domain) (*bench, error) {
	b := &bench{o: o, dc: dc, smtpAddr: os.Getenv("ILM_TEST_SMTP_ADDR"), workday: "workday-" + dc.run, queue: "ilm-bench-" + dc.run,
		hired: time.Now().UTC().AddDate(0, 0, 30).Truncate(24 * time.Hour)}
	if b.smtpAddr == "" {
		return nil, errors.New("ILM_TEST_SMTP_ADDR is not set: eval \"$(scripts/mailpit.sh env)\" (scripts/bench.sh does it)")
	}
	host, port, ok := strings.Cut(b.smtpAddr, ":")
	if !ok {
		return nil, fmt.Errorf("ILM_TEST_SMTP_ADDR %q is not host:port", b.smtpAddr)
	}
	var err error
	if b.dir, err = os.MkdirTemp("", "ilm-bench-ad-"); err != nil {
		return nil, err
	}
	if err := b.writeReport(); err != nil {
		return nil, err
	}
	if err := os.Setenv(adPasswordEnv, dc.password); err != nil {
		return nil, err
	}
	b.config = filepath.Join(b.dir, "ilm.yaml")
	cfg := fmt.Sprintf(`store: sqlite:ilm.db
temporal: {address: %q, task_queue: %s}
instances:
  - {name: %s, type: workday, report_url: "file:report.json", days_before_hire_to_enable_ad: 3, guard: {disabled: true}}
  - {name: ad, type: active_directory, url: %q, ca_file: %q, insecure_skip_verify: %t, bind_dn: %q,
     bind_password_env: %s, base_dn: %q, max_connections: %d}
provisioning:
  targets: {create: [ad], update: [ad], disable: [ad]}
  service_desk_email: desk@bench.example
smtp: {host: %s, port: %s, from: ilm@bench.example, tls: none}
`, o.addr, b.queue, b.workday, dc.url, dc.caFile, dc.caFile == "", dc.bindDN, adPasswordEnv, dc.base, o.adConnections, host, port)
	if err := os.WriteFile(b.config, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	if b.env, err = wiring.Open(ctx, b.config, ""); err != nil {
		return nil, err
	}
	// Warnings only, as the other benchmarks: the SDK's lines for thousands of workflows
	// would be measured too.
	if b.tc, err = b.env.Dial(slog.LevelWarn); err != nil {
		return nil, err
	}
	if err := wiring.EnsureSearchAttributes(ctx, b.tc, b.env.Config.Temporal.Namespace); err != nil {
		return nil, err
	}
	acts, err := b.env.Activities(b.tc)
	if err != nil {
		return nil, err
	}
	// The worker ilm-worker runs, and one of the same options for the no-op workflows.
	noop := worker.New(b.tc, b.queue+"-noop", worker.Options{})
	noop.RegisterWorkflow(noopWorkflow)
	noop.RegisterActivity(noopActivity)
	b.workers = []worker.Worker{b.env.Worker(b.tc, acts), noop}
	for _, w := range b.workers {
		if err := w.Start(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (b *bench) close() {
	for _, w := range b.workers {
		w.Stop()
	}
	if b.tc != nil {
		b.tc.Close()
	}
	if b.env != nil {
		_ = b.env.Close()
	}
	_ = os.RemoveAll(b.dir)
}

// round runs every stage once, for new people in OUs of their own, deleted at the end. The first round also breaks the ILM stages
// down from their histories (notes).
func (b *bench) round(ctx context.Context, r int) (stages []stage, notes string, err error) {
	n := b.o.people
	measure := func(name string, f func() (time.Duration, error)) error {
		c0 := sampleCPU(b.o.procs)
		took, err := f()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		st := stage{name: name, took: took, cpu: sampleCPU(b.o.procs).since(c0, b.o.procs)}
		if b.polled > 0 {
			st.cpu = fmt.Sprintf("poll %.1fs; %s", b.polled.Seconds(), st.cpu)
			b.polled = 0
		}
		stages = append(stages, st)
		return nil
	}
	explain := func(name string, typ lifecycle.EventType) error {
		if r != 1 {
			return nil
		}
		note, err := b.breakdown(ctx, name, fmt.Sprintf("Instance = %q AND IncidentType = %q AND ExecutionStatus = 'Completed'", b.workday, string(typ)))
		notes += note
		return err
	}
	if err := measure(stNoop2, func() (time.Duration, error) { return b.noop(ctx, fmt.Sprintf("noop2-%d", r), 2) }); err != nil {
		return nil, "", err
	}
	if err := measure(stNoop1, func() (time.Duration, error) { return b.noop(ctx, fmt.Sprintf("noop1-%d", r), 1) }); err != nil {
		return nil, "", err
	}

	prefix := fmt.Sprintf("B%s%02d", b.dc.run, r)
	if err := b.dc.addRound(r); err != nil {
		return nil, "", err
	}
	for i := range n {
		b.rows = append(b.rows, person(fmt.Sprintf("%s%05d", prefix, i), fmt.Sprintf("b%s.%d.%d", b.dc.run, r, i),
			departments[i%len(departments)]+roundSuffix(r), b.hired))
	}
	if err := b.writeReport(); err != nil {
		return nil, "", err
	}
	profile := func(stage string) func() {
		if b.o.profile == "" || r != 1 {
			return func() {}
		}
		f, err := os.Create(b.o.profile + "-" + stage + ".pprof")
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: cpu profile:", err)
			return func() {}
		}
		// Where goroutines waited (for a connection, the store, the server): one sample per
		// millisecond blocked.
		runtime.SetBlockProfileRate(int(time.Millisecond))
		return func() {
			pprof.StopCPUProfile()
			_ = f.Close()
			runtime.SetBlockProfileRate(0)
			if bf, err := os.Create(b.o.profile + "-" + stage + ".block.pprof"); err == nil {
				_ = pprof.Lookup("block").WriteTo(bf, 0)
				_ = bf.Close()
			}
		}
	}
	if err := measure(stNewHire, func() (time.Duration, error) {
		defer profile("newhire")()
		return b.pollAndWait(ctx, lifecycle.NewHire, n)
	}); err != nil {
		return nil, "", err
	}
	if err := explain(stNewHire, lifecycle.NewHire); err != nil {
		return nil, "", err
	}
	accounts, err := b.dc.accounts(prefix)
	if err != nil {
		return nil, "", err
	}
	if len(accounts) != n || enabled(accounts) != 0 {
		return nil, "", fmt.Errorf("after the new hires, AD has %d accounts of this round, %d enabled; want %d, none enabled", len(accounts), enabled(accounts), n)
	}
	if err := measure(stActivation, func() (time.Duration, error) {
		defer profile("activation")()
		return b.pollAndWait(ctx, lifecycle.ADActivation, n)
	}); err != nil {
		return nil, "", err
	}
	if err := explain(stActivation, lifecycle.ADActivation); err != nil {
		return nil, "", err
	}
	if accounts, err = b.dc.accounts(prefix); err != nil {
		return nil, "", err
	}
	if enabled(accounts) != n {
		return nil, "", fmt.Errorf("after the activations, %d of %d accounts are enabled", enabled(accounts), n)
	}
	if err := measure(stRawAdd, func() (time.Duration, error) { return b.dc.rawAdd(accounts) }); err != nil {
		return nil, "", err
	}
	if err := measure(stRawActivate, func() (time.Duration, error) { return b.dc.rawActivate(accounts, b.smtpAddr) }); err != nil {
		return nil, "", err
	}
	// Not timed: the next round starts from the same domain as this one did.
	if err := b.dc.deleteRound(r); err != nil {
		return nil, "", err
	}
	return stages, notes, nil
}

// person is a report row of a new hire in the stock Workday columns.
func person(id, login, department string, hired time.Time) map[string]any {
	return map[string]any{
		"Emp_ID": id, "Email_Address": login + "@bench.example", "Preferred_Name": "Bench " + id,
		"Preferred_Name_-_First_Name": "Bench", "Preferred_Name_-_Last_Name": id, "Department": department,
		"Title": "Specialist", "City": "Austin", "Country_Name": "United States", "State": "TX",
		"Street_Address": "1 Main St", "Postal_Code": "73301", "Employee_Type": "Regular",
		"Employment_Status": "Active", "Work_Phone": "+1 555 0101", "Last_Hire_Date": hired.Format("2006-01-02"),
		"Prehire_Flag": "False", "Rehired_Employee": "No",
	}
}

func (b *bench) writeReport() error {
	f, err := os.Create(filepath.Join(b.dir, "report.json"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := json.NewEncoder(w).Encode(map[string]any{"Report_Entry": b.rows}); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// now is the "today" of every poll: two days before the hire date.
func (b *bench) now() time.Time { return b.hired.AddDate(0, 0, -2) }

// poll runs one Workday poll and returns its report.
func (b *bench) poll(ctx context.Context) (activities.PollReport, error) {
	run, err := b.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("poll-%s-%d", b.workday, time.Now().UnixNano()),
		TaskQueue: b.queue}, workflows.WorkdayPoll, activities.PollRequest{Instance: b.workday, Now: b.now()})
	if err != nil {
		return activities.PollReport{}, err
	}
	var rep activities.PollReport
	err = run.Get(ctx, &rep)
	return rep, err
}

// pollAndWait polls, which must start want incidents of the type, and waits until they
// completed.
func (b *bench) pollAndWait(ctx context.Context, typ lifecycle.EventType, want int) (time.Duration, error) {
	query := fmt.Sprintf("Instance = %q AND IncidentType = %q", b.workday, string(typ))
	before, err := b.count(ctx, query, "Completed")
	if err != nil {
		return 0, err
	}
	start := time.Now()
	rep, err := b.poll(ctx)
	if err != nil {
		return 0, fmt.Errorf("poll: %w", err)
	}
	b.polled = time.Since(start)
	if rep.Started != want {
		return 0, fmt.Errorf("the poll started %d incidents (%d events, %d failed, %d already running), want %d %s",
			rep.Started, rep.Events, rep.Failed, rep.AlreadyRunning, want, typ)
	}
	if err := b.waitCompleted(ctx, query, before+want); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func (b *bench) count(ctx context.Context, query, status string) (int, error) {
	resp, err := b.tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: b.env.Config.Temporal.Namespace,
		Query: fmt.Sprintf("%s AND ExecutionStatus = %q", query, status)})
	if err != nil {
		return 0, err
	}
	return int(resp.Count), nil
}

// waitCompleted waits until want workflows of the query completed. A failed one, or no
// progress for two minutes (an incident waiting for review), ends the benchmark.
func (b *bench) waitCompleted(ctx context.Context, query string, want int) error {
	last, lastAt := -1, time.Now()
	for {
		done, err := b.count(ctx, query, "Completed")
		if err != nil {
			return err
		}
		if done >= want {
			return nil
		}
		if failed, err := b.count(ctx, query, "Failed"); err != nil || failed > 0 {
			return fmt.Errorf("%d workflows failed (%v): %s", failed, err, query)
		}
		if done != last {
			last, lastAt = done, time.Now()
		} else if time.Since(lastAt) > 2*time.Minute {
			return fmt.Errorf("%d of %d workflows completed and none since two minutes: %s", done, want, query)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// noop starts n no-op workflows of the given number of activities, startConcurrency at a
// time, and waits until they all completed.
func (b *bench) noop(ctx context.Context, tag string, acts int) (time.Duration, error) {
	id := b.dc.run + "-" + tag
	start := time.Now()
	ids := make(chan int)
	errs := make(chan error, startConcurrency)
	var wg sync.WaitGroup
	for range startConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var first error
			for i := range ids {
				if first != nil {
					continue
				}
				_, first = b.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("noop-%s-%d", id, i), TaskQueue: b.queue + "-noop",
					TypedSearchAttributes: temporal.NewSearchAttributes(workflows.InstanceKey.ValueSet(id))}, noopWorkflow, acts)
			}
			errs <- first
		}()
	}
	for i := range b.o.people {
		ids <- i
	}
	close(ids)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if err := b.waitCompleted(ctx, fmt.Sprintf("Instance = %q", id), b.o.people); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// noopWorkflow runs acts activities that do nothing, one after the other.
func noopWorkflow(ctx workflow.Context, acts int) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	for i := range acts {
		if err := workflow.ExecuteActivity(ctx, noopActivity, i).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

func noopActivity(context.Context, int) error { return nil }

// single measures one new hire, due for activation, singles times each way: two polls
// back to back (New Hire, then AD Activation), and `ilm provision` when -ilm is given. Each
// time is until the account is enabled and both incidents completed.
func (b *bench) single(ctx context.Context, singles int) error {
	var viaPoll, viaProvision []time.Duration
	for k := range singles {
		ways := []string{"poll"}
		if b.o.ilm != "" {
			ways = append(ways, "provision")
		}
		for w, way := range ways {
			id := fmt.Sprintf("S%s%d%d", b.dc.run, w, k)
			b.rows = append(b.rows, person(id, fmt.Sprintf("s%s.%d.%d", b.dc.run, w, k), departments[0], b.hired))
			if err := b.writeReport(); err != nil {
				return err
			}
			start := time.Now()
			var err error
			if way == "poll" {
				err = b.singleByPolls(ctx, id)
			} else {
				err = b.provision(ctx, id)
			}
			took := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s of %s: %w", way, id, err)
			}
			accounts, err := b.dc.accounts(id)
			if err != nil {
				return err
			}
			if len(accounts) != 1 || enabled(accounts) != 1 {
				return fmt.Errorf("%s of %s: %d accounts, %d enabled; want one, enabled", way, id, len(accounts), enabled(accounts))
			}
			if way == "poll" {
				viaPoll = append(viaPoll, took)
			} else {
				viaProvision = append(viaProvision, took)
			}
		}
	}
	fmt.Printf("one new hire to an enabled AD account (median of %d; target < 5s):\n", singles)
	fmt.Printf("  two polls back to back (New Hire, then AD Activation): %.2fs\n", median(viaPoll).Seconds())
	if len(viaProvision) > 0 {
		fmt.Printf("  ilm provision (a new process; plans, starts and waits for both): %.2fs\n", median(viaProvision).Seconds())
	}
	return nil
}

// singleByPolls polls twice, waiting for the person's incident after each.
func (b *bench) singleByPolls(ctx context.Context, id string) error {
	for _, typ := range []lifecycle.EventType{lifecycle.NewHire, lifecycle.ADActivation} {
		rep, err := b.poll(ctx)
		if err != nil {
			return err
		}
		if rep.Started != 1 || len(rep.Incidents) != 1 || rep.Incidents[0].Type != typ {
			return fmt.Errorf("the poll started %d incidents (%d events), want one %s", rep.Started, rep.Events, typ)
		}
		var res workflows.IncidentResult
		if err := b.tc.GetWorkflow(ctx, workflows.PersonWorkflowID(id), "").Get(ctx, &res); err != nil {
			return err
		}
		// The next poll plans everyone but those it lists as in flight, from the
		// visibility store, which may not show the close yet: that wait is part of the time.
		if err := b.waitClosed(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// waitClosed waits until the visibility store lists no running incident of the person.
func (b *bench) waitClosed(ctx context.Context, id string) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		running, err := b.count(ctx, fmt.Sprintf("WorkflowId = %q", workflows.PersonWorkflowID(id)), "Running")
		if err != nil || running == 0 {
			return err
		}
	}
	return fmt.Errorf("the incident of %s still shows as running after 30s", id)
}

// provision runs `ilm provision` for the person.
func (b *bench) provision(ctx context.Context, id string) error {
	cmd := exec.CommandContext(ctx, b.o.ilm, "provision", "--config", b.config, "--instance", b.workday,
		"--now", b.now().Format(time.RFC3339), id)
	cmd.Env = append(os.Environ(), "ILM_TEMPORAL_ADDRESS="+b.o.addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return nil
}
