package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okta/okta-sdk-golang/v2/okta"
)

// System Log event types App Sync acts on (SPEC §2).
const (
	EventAppUserAdd    = "application.user_membership.add"
	EventAppUserRemove = "application.user_membership.remove"
	EventProfileUpdate = "user.account.update_profile"
)

// Target types of a log event. Okta does not fix their order: look them up by type.
const (
	TargetUser        = "User"
	TargetAppInstance = "AppInstance"
)

// LogEvent is the part of a System Log event App Sync reads.
type LogEvent struct {
	UUID      string      `json:"uuid"`
	EventType string      `json:"eventType"`
	Published time.Time   `json:"published"`
	Outcome   string      `json:"outcome,omitempty"`
	Targets   []LogTarget `json:"targets,omitempty"`
	// ChangedAttributes lists, for a profile update, the attributes that changed.
	ChangedAttributes []string `json:"changedAttributes,omitempty"`
}

// LogTarget is one target of an event.
type LogTarget struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	AlternateID string `json:"alternateId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// Target returns the event's first target of the type.
func (e LogEvent) Target(typ string) (LogTarget, bool) {
	for _, t := range e.Targets {
		if t.Type == typ {
			return t, true
		}
	}
	return LogTarget{}, false
}

// LogQuery starts a polling read of the System Log: everything since Since, oldest first.
type LogQuery struct {
	Since  time.Time
	Filter string
	Limit  int
}

// LogPage is one page of events and the link to the next one. A polling read of the System
// Log never ends: Next is set even after an empty page, which is how a poller knows it has
// caught up (and where to start next time).
type LogPage struct {
	Events []LogEvent
	Next   string
}

const logsPath = "/api/v1/logs"

// ReadLog returns the page at cursor, a Next of an earlier page, or, when cursor is empty,
// the first page of q. The cursor is Okta's own next link, followed as given: its after
// parameter is opaque.
func (c *Client) ReadLog(ctx context.Context, cursor string, q LogQuery) (LogPage, error) {
	path := cursor
	if path == "" {
		v := url.Values{}
		v.Set("since", q.Since.UTC().Format("2006-01-02T15:04:05.000Z"))
		v.Set("sortOrder", "ASCENDING")
		if q.Limit > 0 {
			v.Set("limit", strconv.Itoa(q.Limit))
		}
		if q.Filter != "" {
			v.Set("filter", q.Filter)
		}
		path = logsPath + "?" + v.Encode()
	} else if !strings.HasPrefix(path, logsPath+"?") {
		return LogPage{}, fmt.Errorf("okta %s: %q is not a System Log cursor", c.cfg.Instance, cursor)
	}
	ctx = withRateNote(ctx)
	re := c.sdk.CloneRequestExecutor()
	req, err := re.WithAccept("application/json").NewRequest("GET", path, nil)
	if err != nil {
		return LogPage{}, err
	}
	var raw []*okta.LogEvent
	resp, err := re.Do(ctx, req, &raw)
	if err != nil {
		return LogPage{}, classify(ctx, "read System Log", resp, err)
	}
	page := LogPage{Events: make([]LogEvent, 0, len(raw)), Next: nextLink(resp.Response)}
	for _, e := range raw {
		page.Events = append(page.Events, fromLogEvent(e))
	}
	return page, nil
}

// nextLink returns the path and query of the rel="next" Link header. Okta sends one Link
// header per relation. The SDK's own NextPage is not used: it merges the first request's
// parameters (since) into the link, which Okta's after cursor does not take with it.
func nextLink(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	for _, link := range resp.Header.Values("Link") {
		target, params, ok := strings.Cut(link, ";")
		if !ok || !strings.Contains(params, `rel="next"`) {
			continue
		}
		u, err := url.Parse(strings.Trim(strings.TrimSpace(target), "<>"))
		if err != nil || u.RawQuery == "" {
			continue
		}
		return u.EscapedPath() + "?" + u.RawQuery
	}
	return ""
}

func fromLogEvent(e *okta.LogEvent) LogEvent {
	out := LogEvent{UUID: e.Uuid, EventType: e.EventType}
	if e.Published != nil {
		out.Published = *e.Published
	}
	if e.Outcome != nil {
		out.Outcome = e.Outcome.Result
	}
	for _, t := range e.Target {
		if t != nil {
			out.Targets = append(out.Targets, LogTarget{ID: t.Id, Type: t.Type, AlternateID: t.AlternateId, DisplayName: t.DisplayName})
		}
	}
	if e.DebugContext != nil {
		if data, ok := e.DebugContext.DebugData.(map[string]any); ok {
			if s, ok := data["changedAttributes"].(string); ok && s != "" {
				for _, a := range strings.Split(s, ",") {
					if a = strings.TrimSpace(a); a != "" {
						out.ChangedAttributes = append(out.ChangedAttributes, a)
					}
				}
			}
		}
	}
	return out
}
