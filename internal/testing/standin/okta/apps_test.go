package okta_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"
)

func TestAppAssignments(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	apps := o.c.Application
	sf := o.s.AddApp("salesforce", "Salesforce.com")
	gh := o.s.AddApp("github", "GitHub")
	var ids []string
	for i := range 5 {
		ids = append(ids, o.createUser(t, fmt.Sprintf("u%d@example.com", i), true).Id)
	}

	au, resp, err := apps.AssignUserToApplication(ctx, sf.ID, okta.AppUser{Id: ids[0], Scope: "USER"})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("assign: %v", err)
	}
	if au.Id != ids[0] || au.Scope != "USER" || au.Status != "PROVISIONED" || au.SyncState != "SYNCHRONIZED" ||
		au.Credentials.UserName != "u0@example.com" || au.Created == nil {
		t.Errorf("assigned %+v", au)
	}
	before := len(o.s.Events())
	if _, _, err := apps.AssignUserToApplication(ctx, sf.ID, okta.AppUser{Id: ids[0]}); err != nil {
		t.Fatal(err)
	}
	if n := len(o.s.Events()); n != before {
		t.Errorf("re-assigning logged %d events", n-before)
	}
	for _, id := range ids[1:] {
		if _, err := o.s.Assign(sf.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.s.Assign(gh.ID, ids[1]); err != nil {
		t.Fatal(err)
	}

	// Get, and 404 for someone not assigned.
	got, _, err := apps.GetApplicationUser(ctx, sf.ID, ids[2], query.NewQueryParams(query.WithExpand("user")))
	if err != nil || got.Id != ids[2] || got.Embedded == nil {
		t.Errorf("get app user: %+v %v", got, err)
	}
	if _, _, err := apps.GetApplicationUser(ctx, gh.ID, ids[0], nil); oktaErr(t, err).ErrorSummary !=
		"Not found: Resource not found: "+ids[0]+" (AppUser)" {
		t.Errorf("unassigned app user: %v", err)
	}

	// Paging with limit, and expand=user.
	var seen []string
	page, resp, err := apps.ListApplicationUsers(ctx, sf.ID, query.NewQueryParams(query.WithLimit(2), query.WithExpand("user")))
	for err == nil {
		for _, u := range page {
			seen = append(seen, u.Id)
			if u.Embedded == nil {
				t.Errorf("expand=user: no _embedded on %s", u.Id)
			}
		}
		if !resp.HasNextPage() {
			break
		}
		page = nil
		resp, err = resp.Next(ctx, &page)
	}
	if err != nil || fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Errorf("paged %v, want %v (%v)", seen, ids, err)
	}

	// Apps filtered by user.
	list, _, err := apps.ListApplications(ctx, query.NewQueryParams(query.WithFilter(`user.id eq "`+ids[1]+`"`)))
	if err != nil || len(list) != 2 {
		t.Errorf("apps of %s: %d, %v", ids[1], len(list), err)
	}
	list, _, err = apps.ListApplications(ctx, query.NewQueryParams(query.WithFilter(`user.id eq "`+ids[0]+`"`)))
	if err != nil || len(list) != 1 || list[0].(*okta.Application).Id != sf.ID {
		t.Errorf("apps of %s: %v, %v", ids[0], list, err)
	}

	// Unassign: 204, then 404.
	if resp, err := apps.DeleteApplicationUser(ctx, sf.ID, ids[0], nil); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("unassign: %v", err)
	}
	if _, err := apps.DeleteApplicationUser(ctx, sf.ID, ids[0], nil); oktaErr(t, err).ErrorCode != "E0000007" {
		t.Errorf("second unassign: %v", err)
	}
	if last := o.s.Events()[len(o.s.Events())-1]; last["eventType"] != "application.user_membership.remove" {
		t.Errorf("last event %v", last["eventType"])
	}
}

func TestGroups(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	groups := o.c.Group
	u := o.createUser(t, "ada@example.com", true)
	g, _, err := groups.CreateGroup(ctx, okta.Group{Profile: &okta.GroupProfile{Name: "Engineering"}})
	if err != nil || g.Id[:3] != "00g" {
		t.Fatalf("create group: %v %v", g, err)
	}
	if resp, err := groups.AddUserToGroup(ctx, g.Id, u.Id); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("add: %v", err)
	}
	members, _, err := groups.ListGroupUsers(ctx, g.Id, nil)
	if err != nil || len(members) != 1 || members[0].Id != u.Id {
		t.Errorf("members %v %v", members, err)
	}
	mine, _, err := o.c.User.ListUserGroups(ctx, u.Id)
	if err != nil || len(mine) != 1 || mine[0].Profile.Name != "Engineering" {
		t.Errorf("user groups %v %v", mine, err)
	}
	all, _, err := groups.ListGroups(ctx, query.NewQueryParams(query.WithQ("eng")))
	if err != nil || len(all) != 1 {
		t.Errorf("groups q=eng: %v %v", all, err)
	}
	if resp, err := groups.RemoveUserFromGroup(ctx, g.Id, u.Id); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("remove: %v", err)
	}
	evs := o.s.Events()
	if evs[len(evs)-2]["eventType"] != "group.user_membership.add" || evs[len(evs)-1]["eventType"] != "group.user_membership.remove" {
		t.Errorf("events end %v, %v", evs[len(evs)-2]["eventType"], evs[len(evs)-1]["eventType"])
	}
}
