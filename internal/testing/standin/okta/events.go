package okta

import (
	"net"
	"net/http"
	"strings"
)

// LogEvent is one System Log event in exactly its JSON shape (stand-ins.md §1.4):
// string "version":"0", "published" as RFC 3339 with milliseconds in UTC, "uuid",
// "actor", "target" (a []any of objects), "debugContext.debugData", and so on.
// Events returns these; AppendEvents takes them back, or hand-made ones.
type LogEvent = map[string]any

// origin is what an event records about the request that caused it.
type origin struct {
	requestID, method, uri, ip, userAgent, base string
}

func httpOrigin(w http.ResponseWriter, r *http.Request) origin {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return origin{requestID: w.Header().Get("X-Okta-Request-Id"), method: r.Method,
		uri: r.URL.RequestURI(), ip: ip, userAgent: r.UserAgent(), base: baseURL(r)}
}

// goOrigin stands for a seeding call, made as if by the same API token.
func goOrigin(method, uri string) origin {
	return origin{requestID: requestID(), method: method, uri: uri, ip: "127.0.0.1",
		userAgent: "okta-standin", base: "https://standin.okta.local"}
}

// eventInfo is what is fixed per event type.
type eventInfo struct{ legacy, message string }

var eventTypes = map[string]eventInfo{
	"user.lifecycle.create":              {"core.user.config.user_creation.success", "Create Okta user"},
	"user.lifecycle.activate":            {"core.user.config.user_activated", "Activate Okta user"},
	"user.lifecycle.deactivate":          {"core.user.config.user_deactivated", "Deactivate Okta user"},
	"user.lifecycle.reactivate":          {"core.user.config.user_reactivated", "Reactivate Okta user"},
	"user.lifecycle.suspend":             {"core.user.config.user_suspended", "Suspend Okta user"},
	"user.lifecycle.unsuspend":           {"core.user.config.user_unsuspended", "Unsuspend Okta user"},
	"user.lifecycle.delete.initiated":    {"core.user.config.user_deleted", "Delete Okta user"},
	"user.account.update_profile":        {"core.user.config.profile_update.success", "Update user profile for Okta"},
	"group.lifecycle.create":             {"core.user_group.created", "Create Okta group"},
	"group.user_membership.add":          {"core.user_group_member.user_add", "Add user to group membership"},
	"group.user_membership.remove":       {"core.user_group_member.user_remove", "Remove user from group membership"},
	"application.lifecycle.create":       {"app.generic.config.app_created", "Create application"},
	"application.user_membership.add":    {"app.generic.provision.assign_user_to_app", "Add user to application membership"},
	"application.user_membership.remove": {"app.generic.provision.unassign_user_from_app", "Remove user from application membership"},
}

func target(id, typ, alternateID, displayName string) map[string]any {
	return map[string]any{"id": id, "type": typ, "alternateId": alternateID,
		"displayName": displayName, "detailEntry": nil}
}

func userTarget(u *user) map[string]any {
	return target(u.id, "User", u.login(), u.displayName())
}

// logEvent appends one event of type typ, caused by o. Callers hold s.mu.
func (s *Server) logEvent(o origin, typ string, debug map[string]any, targets ...map[string]any) {
	info := eventTypes[typ]
	debugData := map[string]any{
		"requestId":       o.requestID,
		"requestUri":      strings.SplitN(o.uri, "?", 2)[0],
		"url":             o.uri,
		"threatSuspected": "false",
	}
	for k, v := range debug {
		debugData[k] = v
	}
	ts := make([]any, len(targets))
	for i, t := range targets {
		ts[i] = t
	}
	now := s.now()
	ev := LogEvent{
		"actor": map[string]any{"id": "00u" + "standinadmin00001", "type": "User",
			"alternateId": "admin@example.com", "displayName": "Okta Admin", "detailEntry": nil},
		"client": map[string]any{
			"userAgent": map[string]any{"rawUserAgent": o.userAgent, "os": "Unknown", "browser": "UNKNOWN"},
			"zone":      "null", "device": "Unknown", "ipAddress": o.ip,
		},
		"authenticationContext": map[string]any{"authenticationStep": 0, "externalSessionId": "trs" + randomID(20)},
		"displayMessage":        info.message,
		"eventType":             typ,
		"legacyEventType":       info.legacy,
		"outcome":               map[string]any{"result": "SUCCESS", "reason": nil},
		"published":             stamp(now),
		"securityContext":       map[string]any{},
		"severity":              "INFO",
		"debugContext":          map[string]any{"debugData": debugData},
		"transaction":           map[string]any{"type": "WEB", "id": o.requestID, "detail": map[string]any{}},
		"uuid":                  newUUID(),
		"version":               "0",
		"request":               map[string]any{"ipChain": []any{map[string]any{"ip": o.ip, "version": "V4"}}},
		"target":                ts,
	}
	s.log.append(now, ev)
}

// Events returns a copy of the System Log, in persistence order.
func (s *Server) Events() []LogEvent {
	return s.log.all()
}

// AppendEvents appends events as they are, in the order given: with a "published" out of
// order, or a "uuid" seen before, to test a client's ordering and dedup. "published" may
// be a string or a time.Time (stored as the string). Missing "uuid", "published" and
// "version" are filled in (a new uuid, now, "0"). The events are copied.
func (s *Server) AppendEvents(evs ...LogEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, ev := range evs {
		ev = cloneMap(ev)
		if ev == nil {
			ev = LogEvent{}
		}
		if _, ok := ev["uuid"]; !ok {
			ev["uuid"] = newUUID()
		}
		if _, ok := ev["version"]; !ok {
			ev["version"] = "0"
		}
		s.log.append(now, ev)
	}
}
