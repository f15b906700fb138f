package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/connectors/okta"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// ResolveAppEvent reads what an App event means now (SPEC §2): the Okta user as it is, read
// through the incoming mapper over the person's stored profile; the live assignment, so that
// a stale or out-of-order event ends as skipped; and the app map, which names the instance to
// provision. An App Add never enables a person whom HR marks terminated.
func (a *Activities) ResolveAppEvent(ctx context.Context, ev AppEvent) (AppPlan, error) {
	org, ok := a.Okta[ev.Instance]
	if !ok {
		return AppPlan{}, configError(fmt.Errorf("okta instance %q is not wired in this worker", ev.Instance))
	}
	plan := AppPlan{Incident: Incident{Instance: ev.Instance, Type: ev.Type, Review: reviewPolicy(a.Config)}}
	p, stored, err := a.appSubject(ctx, org, ev)
	if err != nil {
		return plan, err
	}
	if p.EmployeeID() == "" {
		plan.Skip = fmt.Sprintf("Okta user %s (%s) has no employeeNumber and no ILM profile has that login", ev.UserID, ev.Login)
		return plan, nil
	}
	plan.Incident.EmployeeID, plan.Incident.Profile = p.EmployeeID(), p

	appMap, err := a.Store.GetAppMap(ctx, ev.Instance)
	if err != nil {
		return plan, fmt.Errorf("read app map of %s: %w", ev.Instance, err)
	}
	var apps AppListChange
	switch ev.Type {
	case lifecycle.AppAdd, lifecycle.AppRemove:
		m, ok := findApp(appMap, ev.AppID)
		if !ok {
			plan.Skip = fmt.Sprintf("app %s (%s) is not in the app map of %s", ev.AppID, ev.AppLabel, ev.Instance)
			return plan, nil
		}
		assigned, err := org.Client.Assigned(ctx, ev.AppID, ev.UserID)
		if err != nil {
			return plan, classify(err)
		}
		if reason := a.appChangeSkip(ev.Type, assigned, stored, m); reason != "" {
			plan.Skip = reason
			return plan, nil
		}
		op := connectors.OpDisable
		if ev.Type == lifecycle.AppAdd {
			op = connectors.OpUpdate
			plan.Options = connectors.UpdateOptions{AllowEnable: a.appAddMayEnable(m.Instance, stored), CreateIfNotExists: a.Config.CreatesMissing(m.Instance)}
			apps.Add = m.Name
		} else {
			apps.Remove = m.Name
		}
		plan.Instances = []string{m.Instance}
		plan.Incident.Details = fmt.Sprintf("%s: %s %s in %s", ev.Type, ev.Login, op, m.Instance)
	case lifecycle.AppUpdate:
		userApps, err := org.Client.UserApps(ctx, ev.UserID)
		if err != nil {
			return plan, classify(err)
		}
		apps.Set = []string{}
		for _, m := range mappedApps(appMap, userApps) {
			plan.Instances = append(plan.Instances, m.Instance)
			apps.Set = withApp(apps.Set, m.Name)
		}
		if len(plan.Instances) == 0 {
			plan.Skip = fmt.Sprintf("Okta user %s is assigned to no app in the app map of %s", ev.Login, ev.Instance)
			return plan, nil
		}
		plan.Incident.Details = fmt.Sprintf("%s: %s updated in %d mapped apps", ev.Type, ev.Login, len(plan.Instances))
	default:
		return plan, invalid(fmt.Errorf("%q is not an App Sync incident type", ev.Type))
	}
	if stored != nil && !slices.Equal(apps.Apply(stored.Applications), AppListChange{}.Apply(stored.Applications)) {
		plan.Apps = apps
	}
	return plan, nil
}

// appChangeSkip says why an add or remove must change nothing: the live assignment says
// otherwise (a stale or out-of-order event), or HR marks the person terminated.
func (a *Activities) appChangeSkip(t lifecycle.EventType, assigned bool, stored *profile.Profile, m store.AppMapping) string {
	switch {
	case t == lifecycle.AppAdd && !assigned:
		return fmt.Sprintf("stale event: the user is no longer assigned to %s", m.Label)
	case t == lifecycle.AppRemove && assigned:
		return fmt.Sprintf("stale event: the user is assigned to %s again", m.Label)
	case t == lifecycle.AppAdd && stored != nil && stored.IsTerminated():
		return fmt.Sprintf("HR marks employee %s terminated: App Add does not enable the %s account", stored.EmployeeID(), m.Instance)
	case t == lifecycle.AppAdd && stored != nil && stored.ADStatus == profile.ADDisabled:
		return fmt.Sprintf("employee %s was disabled by a termination: App Add does not enable the %s account", stored.EmployeeID(), m.Instance)
	}
	return ""
}

// appAddMayEnable says whether an App Add may enable the account in the instance. An Active
// Directory account is enabled only by AD Activation, which sets and mails a temporary
// password: an App Add before that updates it and leaves it disabled.
func (a *Activities) appAddMayEnable(instance string, stored *profile.Profile) bool {
	if _, err := a.Config.ActiveDirectoryInstance(instance); err != nil {
		return true
	}
	return stored != nil && stored.ADStatus == profile.ADEnabled
}

// appSubject builds the profile the app gets: the stored profile (found by the Okta user's
// employeeNumber, else its login) with the Okta user's current mapped attributes over it.
// A user Okta no longer has leaves the stored profile alone.
func (a *Activities) appSubject(ctx context.Context, org OktaOrg, ev AppEvent) (profile.Profile, *profile.Profile, error) {
	var fields profile.Fields
	u, err := org.Client.GetUser(ctx, ev.UserID)
	switch {
	case err == nil:
		if fields, err = org.Incoming.MapFields(u.Profile, mappers.Options{}); err != nil {
			return profile.Profile{}, nil, invalid(fmt.Errorf("okta user %s: %w", ev.UserID, err))
		}
	case !errors.Is(err, connectors.ErrNotFound):
		return profile.Profile{}, nil, classify(err)
	}
	stored, err := a.findStored(ctx, fields.Get(profile.EmployeeID), ev.Login, fields.Get(profile.Email))
	if err != nil {
		return profile.Profile{}, nil, err
	}
	var p profile.Profile
	if stored != nil {
		p = *stored
		p.Fields = stored.Fields.Clone()
	}
	if p.Fields == nil {
		p.Fields = profile.Fields{}
	}
	for k, v := range fields {
		if strings.TrimSpace(v) != "" {
			p.Fields[k] = v
		}
	}
	return p, stored, nil
}

// findStored finds the stored profile by employee id, then by the emails; nil when none.
func (a *Activities) findStored(ctx context.Context, employeeID string, emails ...string) (*profile.Profile, error) {
	if employeeID != "" {
		p, err := a.Store.GetProfile(ctx, employeeID)
		if err == nil {
			return &p, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	for _, e := range emails {
		if e == "" {
			continue
		}
		p, err := a.Store.FindProfileByEmail(ctx, e)
		if err == nil {
			return &p, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// RecordApplications makes the App incident's change to the person's app list as stored
// now, leaving the rest of the profile alone; a person with no profile is left alone.
func (a *Activities) RecordApplications(ctx context.Context, req ApplicationsRequest) error {
	rec := store.Record{Actor: "ilm:" + string(req.Type), Incident: req.WorkflowID, At: a.now()}
	_, err := a.Store.UpdateProfile(ctx, req.EmployeeID, rec, func(p *profile.Profile, found bool) error {
		if !found {
			return errNoProfile
		}
		p.Applications = req.Apps.Apply(p.Applications)
		return nil
	})
	if errors.Is(err, errNoProfile) {
		return nil
	}
	return err
}

// errNoProfile stops RecordApplications for a person without a profile.
var errNoProfile = errors.New("no profile")

// appMapByID returns the instance's app map as application id → instance.
func (a *Activities) appMapByID(ctx context.Context, instance string) (map[string]string, error) {
	m, err := a.Store.GetAppMap(ctx, instance)
	if err != nil {
		return nil, fmt.Errorf("read app map of %s: %w", instance, err)
	}
	byID := make(map[string]string, len(m))
	for _, e := range m {
		byID[e.ApplicationID] = e.Instance
	}
	return byID, nil
}

func findApp(m []store.AppMapping, appID string) (store.AppMapping, bool) {
	for _, e := range m {
		if e.ApplicationID == appID {
			return e, true
		}
	}
	return store.AppMapping{}, false
}

// mappedApps returns the app map entries of the user's apps, one per instance, in app
// map order.
func mappedApps(m []store.AppMapping, userApps []okta.App) []store.AppMapping {
	has := make(map[string]bool, len(userApps))
	for _, app := range userApps {
		has[app.ID] = true
	}
	var out []store.AppMapping
	instances := map[string]bool{}
	for _, e := range m {
		if has[e.ApplicationID] && !instances[e.Instance] {
			instances[e.Instance] = true
			out = append(out, e)
		}
	}
	return out
}

func withApp(apps []string, name string) []string {
	for _, a := range apps {
		if a == name {
			return apps
		}
	}
	out := append(append([]string{}, apps...), name)
	sort.Strings(out)
	return out
}

func withoutApp(apps []string, name string) []string {
	out := []string{}
	for _, a := range apps {
		if a != name {
			out = append(out, a)
		}
	}
	return out
}

// loadOktaCursor returns the stored cursor of the instance, nil when it has none.
func (a *Activities) loadOktaCursor(ctx context.Context, instance string) (*OktaCursor, error) {
	st, err := a.Store.GetPollState(ctx, instance)
	if err != nil || st.Cursor == "" {
		return nil, err
	}
	var c OktaCursor
	if err := json.Unmarshal([]byte(st.Cursor), &c); err != nil {
		return nil, fmt.Errorf("poll state of %s: cursor: %w", instance, err)
	}
	return &c, nil
}

// saveOktaCursor stores the cursor, so that a manual poll (which has no last completion
// result) goes on where the schedule stopped, and the other way round.
func (a *Activities) saveOktaCursor(ctx context.Context, instance string, c OktaCursor) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return a.Store.SetPollState(ctx, store.PollState{Instance: instance, Cursor: string(data), UpdatedAt: a.now()})
}
