package lifecycle

import (
	"fmt"
	"slices"

	"github.com/ilm-dev/ilm/profile"
)

// AppMapping is one entry of an Okta instance's app map as App Sync decides on it: the Okta
// application, the name and label ILM knows it by, the instance that provisions it, and what
// the config says of that instance.
type AppMapping struct {
	ApplicationID string
	Name          string
	Label         string
	Instance      string
	// ActiveDirectory: the instance is Active Directory, whose accounts only AD Activation
	// enables. CreatesMissing: an update there creates an account it does not find.
	ActiveDirectory bool
	CreatesMissing  bool
}

// AppFacts is what an App event is decided on, read when the event is handled rather than
// when it happened, so a late or out-of-order event is judged by how things stand now.
type AppFacts struct {
	Type EventType
	// Okta names the Okta instance and Login the user, for the messages.
	Okta  string
	Login string
	// AppID and AppLabel name the event's app (App Add, App Remove).
	AppID    string
	AppLabel string
	// AppMap is the Okta instance's app map, in order.
	AppMap []AppMapping
	// Assigned says whether Okta assigns the event's app to the user now (App Add, App
	// Remove).
	Assigned bool
	// UserApps are the ids of the apps Okta assigns the user now (App Update).
	UserApps []string
	// Stored is the person's stored profile; nil when ILM has none.
	Stored *profile.Profile
}

// AppDecision is what an App event comes to: the instances to call, or why nothing is done.
// The App workflow decides the operation (App Add updates, App Remove disables, App Update
// updates).
type AppDecision struct {
	// Skip, when set, says why the event changes nothing.
	Skip string
	// Instances are the instances to call, in order.
	Instances []string
	// AllowEnable and CreateIfMissing are App Add's options for its instance.
	AllowEnable     bool
	CreateIfMissing bool
	// Apps is the change to the person's stored app list once the calls succeeded; the
	// zero change (no stored profile, or a list that already is so) records nothing.
	Apps    AppListChange
	Details string
}

// DecideAppEvent applies App Sync's rules (SPEC §2) to an event:
//   - an App Add or App Remove of an app missing from the app map changes nothing;
//   - one that Okta's live assignment contradicts is stale and changes nothing;
//   - an App Add never enables a person HR marks terminated or a termination disabled;
//   - an App Add enables an Active Directory account only once AD Activation enabled it,
//     and creates a missing account where the instance is configured to;
//   - an App Update reaches the instance of each mapped app Okta assigns the user, once per
//     instance in app map order, and sets the stored app list to those apps.
func DecideAppEvent(f AppFacts) (AppDecision, error) {
	switch f.Type {
	case AppAdd, AppRemove:
		return decideAppChange(f), nil
	case AppUpdate:
		return decideAppUpdate(f), nil
	default:
		return AppDecision{}, fmt.Errorf("%q is not an App Sync incident type", f.Type)
	}
}

func decideAppChange(f AppFacts) AppDecision {
	i := slices.IndexFunc(f.AppMap, func(m AppMapping) bool { return m.ApplicationID == f.AppID })
	if i < 0 {
		return AppDecision{Skip: fmt.Sprintf("app %s (%s) is not in the app map of %s", f.AppID, f.AppLabel, f.Okta)}
	}
	m := f.AppMap[i]
	if skip := appChangeSkip(f, m); skip != "" {
		return AppDecision{Skip: skip}
	}
	d := AppDecision{Instances: []string{m.Instance}}
	if f.Type == AppAdd {
		d.AllowEnable = !m.ActiveDirectory || (f.Stored != nil && f.Stored.ADStatus == profile.ADEnabled)
		d.CreateIfMissing = m.CreatesMissing
		d.Apps.Add = m.Name
		d.Details = fmt.Sprintf("%s: %s update in %s", f.Type, f.Login, m.Instance)
	} else {
		d.Apps.Remove = m.Name
		d.Details = fmt.Sprintf("%s: %s disable in %s", f.Type, f.Login, m.Instance)
	}
	d.Apps = recordable(d.Apps, f.Stored)
	return d
}

// appChangeSkip says why an add or remove must change nothing: the live assignment says
// otherwise (a stale or out-of-order event), or HR marks the person terminated.
func appChangeSkip(f AppFacts, m AppMapping) string {
	switch {
	case f.Type == AppAdd && !f.Assigned:
		return fmt.Sprintf("stale event: the user is no longer assigned to %s", m.Label)
	case f.Type == AppRemove && f.Assigned:
		return fmt.Sprintf("stale event: the user is assigned to %s again", m.Label)
	case f.Type == AppAdd && f.Stored != nil && f.Stored.IsTerminated():
		return fmt.Sprintf("HR marks employee %s terminated: App Add does not enable the %s account", f.Stored.EmployeeID(), m.Instance)
	case f.Type == AppAdd && f.Stored != nil && f.Stored.ADStatus == profile.ADDisabled:
		return fmt.Sprintf("employee %s was disabled by a termination: App Add does not enable the %s account", f.Stored.EmployeeID(), m.Instance)
	}
	return ""
}

func decideAppUpdate(f AppFacts) AppDecision {
	d := AppDecision{Apps: AppListChange{Set: []string{}}}
	for _, m := range f.AppMap {
		if slices.Contains(f.UserApps, m.ApplicationID) && !slices.Contains(d.Instances, m.Instance) {
			d.Instances = append(d.Instances, m.Instance)
			d.Apps.Set = withApp(d.Apps.Set, m.Name)
		}
	}
	if len(d.Instances) == 0 {
		return AppDecision{Skip: fmt.Sprintf("Okta user %s is assigned to no app in the app map of %s", f.Login, f.Okta)}
	}
	d.Details = fmt.Sprintf("%s: %s updated in %d mapped apps", f.Type, f.Login, len(d.Instances))
	d.Apps = recordable(d.Apps, f.Stored)
	return d
}

// recordable is the change when it changes the stored list, else the zero change.
func recordable(c AppListChange, stored *profile.Profile) AppListChange {
	if stored == nil || slices.Equal(c.Apply(stored.Applications), AppListChange{}.Apply(stored.Applications)) {
		return AppListChange{}
	}
	return c
}

// AppListChange is what one App incident does to the person's app list. It is applied to
// the list as stored when the incident records it, under the person's lock, so App
// incidents that run at once each keep their change, and an HR incident keeps them all.
type AppListChange struct {
	// Add and Remove name one app (App Add, App Remove).
	Add    string `json:"add,omitempty"`
	Remove string `json:"remove,omitempty"`
	// Set, when not nil, replaces the list first (App Update: the mapped apps Okta assigns).
	Set []string `json:"set,omitempty"`
}

// IsZero says whether the change changes nothing.
func (c AppListChange) IsZero() bool { return c.Add == "" && c.Remove == "" && c.Set == nil }

// Apply returns apps with the change made, sorted.
func (c AppListChange) Apply(apps []string) []string {
	if c.Set != nil {
		apps = c.Set
	}
	if c.Add != "" {
		apps = withApp(apps, c.Add)
	}
	if c.Remove != "" {
		apps = slices.DeleteFunc(slices.Clone(apps), func(a string) bool { return a == c.Remove })
	}
	out := slices.Clone(apps)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// withApp returns apps with name added, sorted; apps itself is not changed.
func withApp(apps []string, name string) []string {
	if slices.Contains(apps, name) {
		return apps
	}
	out := append(slices.Clone(apps), name)
	slices.Sort(out)
	return out
}
