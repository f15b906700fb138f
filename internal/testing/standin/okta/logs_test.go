package okta_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
)

func TestLogsPolling(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	logs := o.c.LogEvent

	// An empty log still gives a next link: polling never ends.
	evs, resp, err := logs.GetLogs(ctx, query.NewQueryParams(query.WithLimit(10)))
	if err != nil || len(evs) != 0 || !resp.HasNextPage() || !strings.Contains(resp.NextPage, "after=") {
		t.Fatalf("empty poll: %d events, next %q, %v", len(evs), resp.NextPage, err)
	}
	for i := range 12 {
		o.createUser(t, fmt.Sprintf("u%d@example.com", i), true) // two events each
	}
	var got []*okta.LogEvent
	for {
		var page []*okta.LogEvent
		if resp, err = resp.Next(ctx, &page); err != nil {
			t.Fatal(err)
		}
		if !resp.HasNextPage() {
			t.Fatal("a polling page without a next link")
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
	}
	all := o.s.Events()
	if len(got) != 24 || len(all) != 24 {
		t.Fatalf("polled %d events, the log has %d", len(got), len(all))
	}
	for i, ev := range got {
		if ev.Uuid != all[i]["uuid"] || ev.Version != "0" || ev.Published == nil || ev.Actor == nil {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	// New events show up on the same cursor.
	o.createUser(t, "late@example.com", false)
	var page []*okta.LogEvent
	if _, err = resp.Next(ctx, &page); err != nil || len(page) != 1 || page[0].EventType != "user.lifecycle.create" {
		t.Errorf("late event: %v %v", page, err)
	}
}

func TestLogsFilters(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	a := o.createUser(t, "a@example.com", true)
	o.createUser(t, "b@example.com", false)
	app := o.s.AddApp("github", "GitHub")
	if _, err := o.s.Assign(app.ID, a.Id); err != nil {
		t.Fatal(err)
	}
	get := func(qp *query.Params) []*okta.LogEvent {
		t.Helper()
		evs, _, err := o.c.LogEvent.GetLogs(ctx, qp)
		if err != nil {
			t.Fatalf("GetLogs(%s): %v", qp, err)
		}
		return evs
	}
	if evs := get(query.NewQueryParams(query.WithFilter(`eventType eq "user.lifecycle.create"`))); len(evs) != 2 {
		t.Errorf("eventType filter: %d events", len(evs))
	}
	// target.id matches the User target of the membership event, third of three.
	evs := get(query.NewQueryParams(query.WithFilter(`target.id eq "` + a.Id + `" and eventType sw "application."`)))
	if len(evs) != 1 || evs[0].EventType != "application.user_membership.add" || len(evs[0].Target) != 3 {
		t.Errorf("target.id filter: %v", evs)
	}
	if evs := get(query.NewQueryParams(query.WithQ("github"))); len(evs) != 2 {
		t.Errorf("q=github: %d events", len(evs)) // app created, user assigned
	}

	_, _, err := o.c.LogEvent.GetLogs(ctx, query.NewQueryParams(query.WithFilter(`display_message eqq "Create okta user"`)))
	if e := oktaErr(t, err); e.ErrorCode != "E0000053" || e.ErrorSummary !=
		`Invalid filter 'display_message eqq "Create okta user"': Unrecognized attribute operator 'eqq' at position 16. Expected: eq,co,sw,pr,gt,ge,lt,le` {
		t.Errorf("bad operator: %s %s", e.ErrorCode, e.ErrorSummary)
	}
	_, _, err = o.c.LogEvent.GetLogs(ctx, query.NewQueryParams(query.WithFilter(`published gt "2020-01-01T00:00:00Z"`)))
	if e := oktaErr(t, err); e.ErrorCode != "E0000053" {
		t.Errorf("published in a filter: %+v", e)
	}
	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	_, _, err = o.c.LogEvent.GetLogs(ctx, query.NewQueryParams(query.WithSince(since), query.WithAfter("1_1")))
	if e := oktaErr(t, err); e.ErrorCode != "E0000001" {
		t.Errorf("since and after: %+v", e)
	}
	old := time.Now().Add(-181 * 24 * time.Hour).UTC().Format(time.RFC3339)
	_, _, err = o.c.LogEvent.GetLogs(ctx, query.NewQueryParams(query.WithSince(old)))
	if e := oktaErr(t, err); e.ErrorCode != "E0000053" {
		t.Errorf("since 181 days back: %+v", e)
	}
}

func TestLogsBounded(t *testing.T) {
	o := newOrg(t)
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	// Out of order by published, and one duplicate delivery.
	var evs []standin.LogEvent
	for _, m := range []int{5, 1, 4, 2, 3} {
		evs = append(evs, standin.LogEvent{"eventType": "user.lifecycle.create", "published": base.Add(time.Duration(m) * time.Minute)})
	}
	o.s.AppendEvents(evs...)
	dup := o.s.Events()[0]
	o.s.AppendEvents(dup)
	if n := len(o.s.Events()); n != 6 || o.s.Events()[5]["uuid"] != dup["uuid"] {
		t.Fatalf("AppendEvents: %d events", n)
	}
	qp := query.NewQueryParams(query.WithSince(base.Format(time.RFC3339Nano)),
		query.WithUntil(base.Add(10*time.Minute).Format(time.RFC3339Nano)), query.WithLimit(4))
	page, resp, err := o.c.LogEvent.GetLogs(context.Background(), qp)
	if err != nil || len(page) != 4 || !resp.HasNextPage() {
		t.Fatalf("first bounded page: %d, %v", len(page), err)
	}
	var rest []*okta.LogEvent
	last, err := nextRaw(t, o, resp, &rest)
	if err != nil || len(rest) != 2 || len(last.Header.Values("Link")) != 1 {
		t.Fatalf("last bounded page: %d events, %v", len(rest), err)
	}
	all := append(page, rest...)
	for i := 1; i < len(all); i++ {
		if all[i].Published.Before(*all[i-1].Published) {
			t.Errorf("bounded results not in published order at %d", i)
		}
	}
	stampRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	if p := o.s.Events()[0]["published"].(string); !stampRE.MatchString(p) {
		t.Errorf("published %q is not RFC 3339 with milliseconds in UTC", p)
	}
}

// nextRaw follows the next link without the SDK's merge of the first request's query,
// which would put since back next to after.
func nextRaw(t *testing.T, o *org, resp *okta.Response, v any) (*http.Response, error) {
	t.Helper()
	var next string
	for _, l := range resp.Header.Values("Link") {
		if strings.HasSuffix(l, `rel="next"`) {
			next = strings.TrimSuffix(strings.TrimPrefix(strings.Split(l, ";")[0], "<"), ">")
		}
	}
	req, _ := http.NewRequest("GET", next, nil)
	req.Header.Set("Authorization", "SSWS test-token")
	r, err := o.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	return r, json.NewDecoder(r.Body).Decode(v)
}

// TestLogsVolume pages 10,000 events at limit=1000 through plain HTTP.
func TestLogsVolume(t *testing.T) {
	s := standin.New(standin.Config{Token: "test-token"})
	srv := standin.Start(t, s)
	evs := make([]standin.LogEvent, 10000)
	for i := range evs {
		evs[i] = standin.LogEvent{"eventType": "user.account.update_profile", "target": []any{map[string]any{"id": fmt.Sprint(i % 7)}}}
	}
	s.AppendEvents(evs...)
	start := time.Now()
	url, total, pages := srv.URL+"/api/v1/logs?limit=1000&filter="+strings.ReplaceAll(`target.id ne "3"`, " ", "%20"), 0, 0
	for {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "SSWS test-token")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page []map[string]any
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page) == 0 {
			break
		}
		total += len(page)
		links := resp.Header.Values("Link")
		url = strings.TrimSuffix(strings.TrimPrefix(strings.Split(links[len(links)-1], ";")[0], "<"), ">")
	}
	if want := 10000 - 10000/7; total < want-1 || total > want+1 {
		t.Errorf("paged %d events, want about %d", total, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("paging 10,000 events took %v", d)
	}
	t.Logf("%d events in %d pages, %v", total, pages, time.Since(start))
}
