package activities

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.temporal.io/sdk/activity"
	"golang.org/x/sync/errgroup"

	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/lifecycle"
)

// appEventTypes maps the System Log event types App Sync acts on to their incident types.
var appEventTypes = map[string]lifecycle.EventType{
	okta.EventAppUserAdd:    lifecycle.AppAdd,
	okta.EventAppUserRemove: lifecycle.AppRemove,
	okta.EventProfileUpdate: lifecycle.AppUpdate,
}

// PollOktaLog reads the instance's System Log from the cursor until a page comes back empty
// (a polling read always has a next page, so "has next" never ends it) or MaxPagesPerPoll
// were read, and starts one App workflow per event. Each page's end is heartbeated, so a retried attempt goes on from
// there; an event read twice, in one poll or across polls, is dropped by its uuid.
func (a *Activities) PollOktaLog(ctx context.Context, req OktaPollRequest) (OktaPollReport, error) {
	report, err := a.pollOktaLog(ctx, req)
	recordPoll(ctx, req.Instance, err)
	return report, err
}

func (a *Activities) pollOktaLog(ctx context.Context, req OktaPollRequest) (OktaPollReport, error) {
	report := OktaPollReport{Instance: req.Instance}
	cfg, err := a.Config.OktaInstance(req.Instance)
	if err != nil {
		return report, configError(err)
	}
	release, err := a.leasePoll(ctx, req.Instance)
	if err != nil {
		return report, err
	}
	defer release()
	org, ok := a.Okta[req.Instance]
	if !ok {
		return report, configError(fmt.Errorf("okta instance %q is not wired in this worker", req.Instance))
	}
	mapped, err := a.appMapByID(ctx, req.Instance)
	if err != nil {
		return report, err
	}
	filter := cfg.QueryFilter
	if cfg.QueryOnlyMappedApps {
		filter = MappedAppsFilter(profileKeys(mapped))
	}
	cursor, err := a.startCursor(ctx, req)
	if err != nil {
		return report, err
	}
	if cursor.Next != "" && cursor.Filter != filter {
		activity.GetLogger(ctx).Info("System Log filter changed: reading again from the cursor's time",
			"instance", req.Instance, "since", cursor.Since)
		cursor.Next = ""
	}
	cursor.Filter = filter
	query := okta.LogQuery{Since: cursor.Since, Filter: filter, Limit: cfg.PageLimit}

	seen := map[string]bool{}
	for {
		page, err := org.Client.ReadLog(ctx, cursor.Next, query)
		if err != nil {
			return report, classify(err)
		}
		report.Pages++
		var batch []AppEvent
		for _, ev := range page.Events {
			report.Events++
			if in, ok := appEvent(req.Instance, ev, mapped, seen, &report); ok {
				batch = append(batch, in)
			}
			if ev.Published.After(cursor.Since) {
				cursor.Since = ev.Published
			}
		}
		if err := a.startAppEvents(ctx, batch, &report); err != nil {
			return report, err
		}
		if page.Next != "" {
			cursor.Next = page.Next
		}
		activity.RecordHeartbeat(ctx, cursor)
		if len(page.Events) == 0 || page.Next == "" || report.Pages >= MaxPagesPerPoll {
			break
		}
	}
	report.Cursor = cursor
	if err := a.saveOktaCursor(ctx, req.Instance, cursor); err != nil {
		return report, err
	}
	return report, nil
}

// appEvent turns a log event into the input of its App workflow, or counts why not.
func appEvent(instance string, ev okta.LogEvent, mapped map[string]string, seen map[string]bool, report *OktaPollReport) (AppEvent, bool) {
	typ, ok := appEventTypes[ev.EventType]
	if !ok || (ev.Outcome != "" && ev.Outcome != "SUCCESS") {
		report.Ignored++
		return AppEvent{}, false
	}
	if seen[ev.UUID] {
		report.Duplicates++
		return AppEvent{}, false
	}
	seen[ev.UUID] = true
	user, ok := ev.Target(okta.TargetUser)
	if !ok || ev.UUID == "" {
		report.Ignored++
		return AppEvent{}, false
	}
	in := AppEvent{Instance: instance, UUID: ev.UUID, Type: typ, Published: ev.Published, UserID: user.ID, Login: user.AlternateID}
	if typ != lifecycle.AppUpdate {
		app, ok := ev.Target(okta.TargetAppInstance)
		if !ok || mapped[app.ID] == "" {
			report.Ignored++
			return AppEvent{}, false
		}
		in.AppID, in.AppLabel = app.ID, app.DisplayName
	}
	return in, true
}

// MaxPagesPerPoll bounds one poll's read (a million events at the largest page size), so a
// poll of a busy org ends and reports; the next one goes on from its cursor.
const MaxPagesPerPoll = 1000

// startConcurrency bounds the workflow starts a poll has in flight: each is a round trip to
// the Temporal frontend, and the events are independent (an App event checks Okta's live
// state; a person has one HR event at most).
const startConcurrency = 16

// startAppEvents starts the App workflows of one page, several at a time, and records them
// in page order.
func (a *Activities) startAppEvents(ctx context.Context, batch []AppEvent, report *OktaPollReport) error {
	type outcome struct {
		id      string
		started bool
	}
	outcomes := make([]outcome, len(batch))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(startConcurrency)
	for i, in := range batch {
		g.Go(func() error {
			id, started, err := a.Starter.StartApp(gctx, in)
			if err != nil {
				return fmt.Errorf("start %s for event %s: %w", in.Type, in.UUID, err)
			}
			outcomes[i] = outcome{id, started}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, o := range outcomes {
		if !o.started {
			report.Duplicates++
			continue
		}
		report.Started++
		if len(report.Incidents) < MaxListedIncidents {
			report.Incidents = append(report.Incidents, StartedIncident{Type: batch[i].Type, WorkflowID: o.id})
		} else {
			report.More++
		}
	}
	return nil
}

// startCursor is where this attempt starts: the last heartbeat of an earlier attempt, the
// request's cursor, the stored one, or first_fetch back from now.
func (a *Activities) startCursor(ctx context.Context, req OktaPollRequest) (OktaCursor, error) {
	var c OktaCursor
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &c) == nil {
		return c, nil
	}
	if req.Cursor != nil {
		return *req.Cursor, nil
	}
	stored, err := a.loadOktaCursor(ctx, req.Instance)
	if err != nil || stored != nil {
		if stored != nil {
			c = *stored
		}
		return c, err
	}
	cfg, _ := a.Config.OktaInstance(req.Instance)
	return OktaCursor{Since: a.now().Add(-cfg.FirstFetch.Duration).UTC()}, nil
}

// MappedAppsFilter is the System Log filter of query_only_mapped_apps: membership changes of
// the mapped apps, and every profile update (which names no app; App Update finds the apps).
func MappedAppsFilter(appIDs []string) string {
	update := fmt.Sprintf("eventType eq %q", okta.EventProfileUpdate)
	if len(appIDs) == 0 {
		return update
	}
	ids := make([]string, len(appIDs))
	for i, id := range appIDs {
		ids[i] = fmt.Sprintf("target.id eq %q", id)
	}
	return fmt.Sprintf("%s or ((eventType eq %q or eventType eq %q) and (%s))",
		update, okta.EventAppUserAdd, okta.EventAppUserRemove, strings.Join(ids, " or "))
}

func profileKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
