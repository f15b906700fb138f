// Command applog is App Sync's benchmark (`make bench`): it writes N System Log events
// (default 10,000: half app assignments, half profile updates, for N/2 people) into the Okta
// stand-in, then measures, in events per minute, in the same run:
//
//   - raw: paging the same filtered /api/v1/logs query with net/http and encoding/json,
//     the fastest any poller could read it (the baseline);
//   - connector: the same pages through the Okta connector (okta-sdk-golang decoding);
//   - poll: OktaLogPoll on a Temporal dev server, which reads every page through the
//     connector and starts one App workflow per event;
//   - end to end: until every App workflow (Okta read, live assignment check, target update,
//     applications recorded) has completed.
//
// and prints each as a ratio to raw. It needs a Temporal dev server:
//
//	go run ./bench/applog -temporal 127.0.0.1:7233 [-events 10000] [-cpuprofile FILE]
//
// (scripts/bench.sh starts one). With -cpuprofile, the CPU profile of this process (the
// worker) from the poll's start until every App workflow completed goes to FILE
// (`go tool pprof -top FILE`). The stand-in's rate limit is lifted: real Okta's limits
// (hundreds of requests per minute per endpoint) bound App Sync far below these figures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/ilm-dev/ilm/activities"
	"github.com/ilm-dev/ilm/config"
	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/internal/testing/testtarget"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	_ "github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/workflows"
)

func main() {
	events := flag.Int("events", 10_000, "System Log events to process (half adds, half profile updates)")
	addr := flag.String("temporal", os.Getenv("ILM_BENCH_TEMPORAL_ADDRESS"), "Temporal frontend host:port")
	cpuProfile := flag.String("cpuprofile", "", "write the worker's CPU profile of the poll and the App workflows to FILE")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "bench: -temporal (or ILM_BENCH_TEMPORAL_ADDRESS) is required; scripts/bench.sh starts a dev server")
		os.Exit(2)
	}
	if err := run(*events, *addr, *cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// world is one run's Okta org, store, worker and target.
type world struct {
	org      *standin.Server
	srv      interface{ Close() }
	orgURL   string
	http     *http.Client
	acts     *activities.Activities
	target   *testtarget.Memory
	temporal client.Client
	queue    string
	instance string
	appID    string
}

func run(events int, addr, cpuProfile string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ilm-bench-applog-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w, err := setUp(ctx, dir, addr)
	if err != nil {
		return err
	}
	defer w.srv.Close()
	defer w.temporal.Close()

	fmt.Printf("writing %d System Log events for %d people…\n", events, events/2)
	since := time.Now().Add(-time.Minute)
	if err := w.seed(ctx, events/2); err != nil {
		return err
	}
	filter := activities.MappedAppsFilter([]string{w.github().ApplicationID})

	raw, rawEvents, err := w.pageRaw(since, filter)
	if err != nil {
		return err
	}
	if rawEvents != events {
		return fmt.Errorf("raw paging read %d events, want %d", rawEvents, events)
	}

	read, err := w.pageConnector(ctx, since, filter, events)
	if err != nil {
		return err
	}

	wk := worker.New(w.temporal, w.queue, worker.Options{})
	workflows.Register(wk)
	wk.RegisterActivity(w.acts)
	if err := wk.Start(); err != nil {
		return err
	}
	defer wk.Stop()

	if cpuProfile != "" {
		stop, err := startCPUProfile(cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	run, err := w.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bench-" + w.queue, TaskQueue: w.queue},
		workflows.OktaLogPoll, activities.OktaPollRequest{Instance: w.instance, Cursor: &activities.OktaCursor{Since: since, Filter: filter}})
	if err != nil {
		return err
	}
	var rep activities.OktaPollReport
	if err := run.Get(ctx, &rep); err != nil {
		return err
	}
	poll := time.Since(start)
	if rep.Started != events {
		return fmt.Errorf("the poll started %d App workflows, want %d: %+v", rep.Started, events, rep)
	}
	if err := w.waitCompleted(ctx, events); err != nil {
		return err
	}
	e2e := time.Since(start)

	perMin := func(d time.Duration) float64 { return float64(events) / d.Minutes() }
	fmt.Printf("raw /api/v1/logs paging (net/http + encoding/json): %v, %.0f events/min\n", raw.Round(time.Millisecond), perMin(raw))
	fmt.Printf("read through the connector (okta-sdk-golang, no workflows): %v, %.0f events/min, ratio to raw %.3f\n",
		read.Round(time.Millisecond), perMin(read), raw.Seconds()/read.Seconds())
	fmt.Printf("OktaLogPoll (read through the connector, start App workflows): %v, %.0f events/min, ratio to raw %.3f\n",
		poll.Round(time.Millisecond), perMin(poll), raw.Seconds()/poll.Seconds())
	fmt.Printf("end to end (every App workflow completed): %v, %.0f events/min, ratio to raw %.4f\n",
		e2e.Round(time.Millisecond), perMin(e2e), raw.Seconds()/e2e.Seconds())
	return nil
}

// startCPUProfile profiles this process's CPU into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func setUp(ctx context.Context, dir, addr string) (*world, error) {
	w := &world{instance: fmt.Sprintf("okta-bench-%d", time.Now().UnixNano()), target: testtarget.New("github")}
	w.queue = w.instance
	w.target.CreateIfNotExists = true
	w.org = standin.New(standin.Config{Token: "bench-token", RateLimit: 1 << 30})
	srv := standin.Start(nil, w.org)
	// The stand-in's client, keeping as many idle connections as the worker's
	// (connectors.HTTPClient): the stand-in speaks HTTP/1.1.
	hc := srv.Client()
	tr := hc.Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = connectors.MaxIdleConnsPerHost
	hc.Transport = tr
	w.srv, w.orgURL, w.http = srv, srv.URL, hc

	cfg, err := config.Parse([]byte(fmt.Sprintf(`
instances:
  - {name: %s, type: okta, org_url: %q, token_env: UNUSED, query_only_mapped_apps: true}
`, w.instance, srv.URL)))
	if err != nil {
		return nil, err
	}
	out, err := mappers.Stock("okta-outgoing")
	if err != nil {
		return nil, err
	}
	in, err := mappers.Stock("okta-incoming")
	if err != nil {
		return nil, err
	}
	oc, err := okta.New(ctx, okta.Config{Instance: w.instance, OrgURL: srv.URL, Token: "bench-token", HTTPClient: hc, Mapper: out})
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "ilm.db"))
	if err != nil {
		return nil, err
	}
	// Warnings only: the SDK's debug lines for 10,000 workflows would be measured too.
	quiet := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if w.temporal, err = client.Dial(client.Options{HostPort: addr, Logger: quiet}); err != nil {
		return nil, err
	}
	w.acts = &activities.Activities{Config: cfg, Store: st,
		Targets: map[string]connectors.Target{"github": w.target},
		Okta:    map[string]activities.OktaOrg{w.instance: {Client: oc, Incoming: in}},
		Starter: workflows.IncidentStarter{Client: w.temporal, Namespace: "default", TaskQueue: w.queue}}
	return w, nil
}

func (w *world) github() store.AppMapping {
	return store.AppMapping{ApplicationID: w.appID, Name: "github", Label: "GitHub", Instance: "github"}
}

// seed creates the people in Okta and the store, then assigns each to the mapped app and
// changes their title: two App Sync events each.
func (w *world) seed(ctx context.Context, people int) error {
	w.appID = w.org.AddApp("github_emu", "GitHub").ID
	if err := w.acts.Store.SetAppMap(ctx, w.instance, []store.AppMapping{w.github()}); err != nil {
		return err
	}
	ids := make([]string, people)
	profiles := make([]profile.Profile, people)
	for i := range people {
		id := fmt.Sprintf("B%06d", i)
		email := fmt.Sprintf("bench.%06d@example.com", i)
		u, err := w.org.CreateUser(map[string]any{"login": email, "email": email, "firstName": "Bench",
			"lastName": id, "employeeNumber": id, "title": "Engineer"}, true)
		if err != nil {
			return err
		}
		ids[i] = u.ID
		profiles[i] = profile.Profile{ADStatus: profile.ADEnabled, Fields: profile.Fields{profile.EmployeeID: id,
			profile.Email: email, profile.Username: email, profile.GivenName: "Bench", profile.Surname: id,
			profile.EmploymentStatus: "Active", profile.Title: "Engineer"}}
	}
	if err := w.acts.Store.SaveProfiles(ctx, profiles, store.Record{Actor: "bench"}); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := w.org.Assign(w.appID, id); err != nil {
			return err
		}
		if err := w.org.UpdateProfile(id, map[string]any{"title": "Senior Engineer"}); err != nil {
			return err
		}
	}
	return nil
}

// pageRaw reads the filtered polling query with nothing but net/http and encoding/json,
// following Okta's next links until an empty page.
func (w *world) pageRaw(since time.Time, filter string) (time.Duration, int, error) {
	start := time.Now()
	q := url.Values{"since": {since.UTC().Format(time.RFC3339)}, "filter": {filter}, "limit": {"1000"}, "sortOrder": {"ASCENDING"}}
	next := w.orgURL + "/api/v1/logs?" + q.Encode()
	n := 0
	for {
		req, err := http.NewRequest(http.MethodGet, next, nil)
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Authorization", "SSWS bench-token")
		req.Header.Set("Accept", "application/json")
		resp, err := w.http.Do(req)
		if err != nil {
			return 0, 0, err
		}
		var page []map[string]any
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, 0, fmt.Errorf("page %s: %w", next, err)
		}
		if len(page) == 0 {
			return time.Since(start), n, nil
		}
		n += len(page)
		if next = nextLink(resp.Header.Values("Link")); next == "" {
			return 0, 0, fmt.Errorf("a polling read without a next link after %d events", n)
		}
	}
}

func nextLink(links []string) string {
	for _, l := range links {
		target, params, ok := strings.Cut(l, ";")
		if ok && strings.Contains(params, `rel="next"`) {
			return strings.Trim(strings.TrimSpace(target), "<>")
		}
	}
	return ""
}

// pageConnector reads the same query through the connector, as the poller does.
func (w *world) pageConnector(ctx context.Context, since time.Time, filter string, want int) (time.Duration, error) {
	org := w.acts.Okta[w.instance].Client
	start := time.Now()
	q := okta.LogQuery{Since: since, Filter: filter, Limit: 1000}
	cursor, n := "", 0
	for {
		page, err := org.ReadLog(ctx, cursor, q)
		if err != nil {
			return 0, err
		}
		if len(page.Events) == 0 {
			break
		}
		n += len(page.Events)
		cursor = page.Next
	}
	if n != want {
		return 0, fmt.Errorf("the connector read %d events, want %d", n, want)
	}
	return time.Since(start), nil
}

// waitCompleted waits until want App workflows of this run have closed, then fails when any
// of them did not complete. It asks for one count every countEvery: each count is a
// visibility query the server pays for, as it does for the workflows measured (at ten
// queries a second they took a sizeable share of the server's CPU).
func (w *world) waitCompleted(ctx context.Context, want int) error {
	count := func(status string) (int64, error) {
		resp, err := w.temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default",
			Query: fmt.Sprintf("Instance = %q AND ExecutionStatus %s", w.instance, status)})
		if err != nil {
			return 0, err
		}
		return resp.Count, nil
	}
	deadline := time.Now().Add(30 * time.Minute)
	for time.Now().Before(deadline) {
		closed, err := count(`!= "Running"`)
		if err != nil {
			return err
		}
		if closed >= int64(want) {
			done, err := count(`= "Completed"`)
			if err != nil {
				return err
			}
			if done < closed {
				return fmt.Errorf("%d of %d App workflows did not complete", closed-done, closed)
			}
			return nil
		}
		time.Sleep(countEvery)
	}
	return fmt.Errorf("the App workflows were still running after 30 minutes")
}

// countEvery is how often waitCompleted counts: the end-to-end time is late by at most this.
const countEvery = 500 * time.Millisecond
