package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ilm-dev/ilm/connectors"
	"github.com/ilm-dev/ilm/lifecycle"
	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// ResolveAppEvent is the adapter between an App event and App Sync's rules
// (lifecycle.DecideAppEvent): it finds the person, builds the profile the app gets (the
// Okta user as it is now, read through the incoming mapper over the stored profile), reads
// the app map and Okta's live assignment, and turns the decision into the plan the App
// workflow runs.
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
	if a.EmailSearch != nil && p.Email() != "" {
		plan.EmailSearch = a.EmailSearch(p.Email())
	}
	facts, err := a.appFacts(ctx, org, ev, stored)
	if err != nil {
		return plan, err
	}
	d, err := lifecycle.DecideAppEvent(facts)
	if err != nil {
		return plan, invalid(err)
	}
	plan.Skip, plan.Instances, plan.Apps, plan.Incident.Details = d.Skip, d.Instances, d.Apps, d.Details
	plan.Options = connectors.UpdateOptions{AllowEnable: d.AllowEnable, CreateIfNotExists: d.CreateIfMissing}
	return plan, nil
}

// appFacts reads what DecideAppEvent decides on: the app map, with what the config says of
// each instance, and Okta's live view: whether it assigns the event's app (App Add, App
// Remove; not asked for an app missing from the map), or the user's apps (App Update).
func (a *Activities) appFacts(ctx context.Context, org OktaOrg, ev AppEvent, stored *profile.Profile) (lifecycle.AppFacts, error) {
	f := lifecycle.AppFacts{Type: ev.Type, Okta: ev.Instance, Login: ev.Login, AppID: ev.AppID, AppLabel: ev.AppLabel, Stored: stored}
	appMap, err := a.Store.GetAppMap(ctx, ev.Instance)
	if err != nil {
		return f, fmt.Errorf("read app map of %s: %w", ev.Instance, err)
	}
	mapped := false
	for _, m := range appMap {
		f.AppMap = append(f.AppMap, lifecycle.AppMapping{ApplicationID: m.ApplicationID, Name: m.Name, Label: m.Label, Instance: m.Instance,
			ActiveDirectory: isActiveDirectory(a.Config, m.Instance), CreatesMissing: a.Config.CreatesMissing(m.Instance)})
		mapped = mapped || m.ApplicationID == ev.AppID
	}
	switch ev.Type {
	case lifecycle.AppAdd, lifecycle.AppRemove:
		if mapped {
			if f.Assigned, err = org.Client.Assigned(ctx, ev.AppID, ev.UserID); err != nil {
				return f, classify(err)
			}
		}
	case lifecycle.AppUpdate:
		apps, err := org.Client.UserApps(ctx, ev.UserID)
		if err != nil {
			return f, classify(err)
		}
		for _, app := range apps {
			f.UserApps = append(f.UserApps, app.ID)
		}
	}
	return f, nil
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
