package okta_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
)

func TestUsersCRUD(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	u := o.createUser(t, "ada@example.com", true)
	if u.Status != "ACTIVE" || u.Id[:3] != "00u" {
		t.Fatalf("created %s %s, want an ACTIVE 00u… user", u.Id, u.Status)
	}
	staged := o.createUser(t, "bob@example.com", false)
	if staged.Status != "STAGED" {
		t.Errorf("activate=false gave %s, want STAGED", staged.Status)
	}

	// Duplicate login, case-insensitively, and a missing email.
	p := okta.UserProfile{"login": "ADA@example.com", "email": "x@example.com"}
	_, _, err := o.c.User.CreateUser(ctx, okta.CreateUserRequest{Profile: &p}, nil)
	if e := oktaErr(t, err); e.ErrorCode != "E0000001" || len(e.ErrorCauses) != 1 ||
		e.ErrorCauses[0]["errorSummary"] != "login: An object with this field already exists in the current organization" {
		t.Errorf("duplicate login: %+v", e)
	}
	p = okta.UserProfile{"login": "eve@example.com"}
	_, _, err = o.c.User.CreateUser(ctx, okta.CreateUserRequest{Profile: &p}, nil)
	if e := oktaErr(t, err); e.ErrorCode != "E0000001" || e.ErrorCauses[0]["errorSummary"] != "email: The field cannot be left blank" {
		t.Errorf("missing email: %+v", e)
	}

	// Get by id and by login.
	for _, key := range []string{u.Id, "ADA@EXAMPLE.COM"} {
		got, _, err := o.c.User.GetUser(ctx, key)
		if err != nil || got.Id != u.Id {
			t.Errorf("GetUser(%s) = %v, %v", key, got, err)
		}
	}
	_, _, err = o.c.User.GetUser(ctx, "00unope")
	if e := oktaErr(t, err); e.ErrorCode != "E0000007" {
		t.Errorf("unknown user: %+v", e)
	}

	// Partial update (POST) merges; full update (PUT) replaces.
	got, _, err := o.c.User.PartialUpdateUser(ctx, u.Id, okta.User{Profile: &okta.UserProfile{"title": "Countess"}}, nil)
	if err != nil || (*got.Profile)["title"] != "Countess" || (*got.Profile)["firstName"] != "Ada" {
		t.Fatalf("partial update: %v %v", got, err)
	}
	full := okta.UserProfile{"login": "ada@example.com", "email": "ada@example.com", "firstName": "Ada"}
	got, _, err = o.c.User.UpdateUser(ctx, u.Id, okta.User{Profile: &full}, nil)
	if err != nil || (*got.Profile)["title"] != nil || (*got.Profile)["lastName"] != nil {
		t.Fatalf("full update kept old attributes: %v %v", got, err)
	}
	evs := o.s.Events()
	last := evs[len(evs)-1]
	dd := last["debugContext"].(map[string]any)["debugData"].(map[string]any)
	if last["eventType"] != "user.account.update_profile" || dd["changedAttributes"] != "lastName,title" {
		t.Errorf("last event %v with changedAttributes %v", last["eventType"], dd["changedAttributes"])
	}

	// Search, and the default list hiding nobody yet.
	found, _, err := o.c.User.ListUsers(ctx, query.NewQueryParams(query.WithSearch(`profile.login eq "bob@example.com"`)))
	if err != nil || len(found) != 1 || found[0].Id != staged.Id {
		t.Errorf("search by login: %v %v", found, err)
	}
	found, _, err = o.c.User.ListUsers(ctx, query.NewQueryParams(query.WithFilter(`status eq "STAGED"`)))
	if err != nil || len(found) != 1 {
		t.Errorf("filter by status: %v %v", found, err)
	}
	page, resp, err := o.c.User.ListUsers(ctx, query.NewQueryParams(query.WithLimit(1)))
	if err != nil || len(page) != 1 || !resp.HasNextPage() {
		t.Fatalf("first page: %d users, next %v, %v", len(page), resp.HasNextPage(), err)
	}
	var rest []*okta.User
	if resp, err = resp.Next(ctx, &rest); err != nil || len(rest) != 1 || rest[0].Id == page[0].Id || resp.HasNextPage() {
		t.Errorf("second page: %v next %v, %v", rest, resp.HasNextPage(), err)
	}

	// DELETE deactivates, then deletes.
	for _, want := range []string{"DEPROVISIONED", ""} {
		if resp, err := o.c.User.DeactivateOrDeleteUser(ctx, staged.Id, nil); err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %v", err)
		}
		if got, ok := o.s.User(staged.Id); got.Status != want || ok != (want != "") {
			t.Errorf("after DELETE: %q %v, want %q", got.Status, ok, want)
		}
	}
}

func TestLifecycle(t *testing.T) {
	o := newOrg(t)
	ctx := context.Background()
	u := o.createUser(t, "ada@example.com", false)
	users := o.c.User

	steps := []struct {
		name   string
		do     func() (*okta.Response, error)
		status string // after, or the error code
	}{
		{"suspend staged", func() (*okta.Response, error) { return users.SuspendUser(ctx, u.Id) }, "E0000038"},
		{"activate", func() (*okta.Response, error) {
			tok, r, err := users.ActivateUser(ctx, u.Id, query.NewQueryParams(query.WithSendEmail(false)))
			if err == nil && tok.ActivationToken == "" {
				t.Error("activate without email gave no token")
			}
			return r, err
		}, "ACTIVE"},
		{"activate again", func() (*okta.Response, error) { _, r, err := users.ActivateUser(ctx, u.Id, nil); return r, err }, "E0000016"},
		{"unsuspend active", func() (*okta.Response, error) { return users.UnsuspendUser(ctx, u.Id) }, "E0000038"},
		{"suspend", func() (*okta.Response, error) { return users.SuspendUser(ctx, u.Id) }, "SUSPENDED"},
		{"unsuspend", func() (*okta.Response, error) { return users.UnsuspendUser(ctx, u.Id) }, "ACTIVE"},
		{"reactivate active", func() (*okta.Response, error) { _, r, err := users.ReactivateUser(ctx, u.Id, nil); return r, err }, "E0000038"},
		{"deactivate", func() (*okta.Response, error) { return users.DeactivateUser(ctx, u.Id, nil) }, "DEPROVISIONED"},
		{"deactivate again", func() (*okta.Response, error) { return users.DeactivateUser(ctx, u.Id, nil) }, "E0000038"},
		{"activate deprovisioned", func() (*okta.Response, error) { _, r, err := users.ActivateUser(ctx, u.Id, nil); return r, err }, "ACTIVE"},
	}
	for _, st := range steps {
		resp, err := st.do()
		if st.status[0] == 'E' {
			if e := oktaErr(t, err); e.ErrorCode != st.status {
				t.Errorf("%s: %s %s, want %s", st.name, e.ErrorCode, e.ErrorSummary, st.status)
			}
			continue
		}
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got, _ := o.s.User(u.Id); got.Status != st.status {
			t.Errorf("%s: status %s, want %s", st.name, got.Status, st.status)
		}
	}
	var types []string
	for _, ev := range o.s.Events() {
		types = append(types, ev["eventType"].(string))
	}
	want := []string{"user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.suspend",
		"user.lifecycle.unsuspend", "user.lifecycle.deactivate", "user.lifecycle.activate"}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Errorf("events %v, want %v", types, want)
			break
		}
	}
}

func TestWrongToken(t *testing.T) {
	s := standin.New(standin.Config{Token: "right"})
	srv := standin.Start(t, s)
	_, _, err := client(t, srv, "wrong").User.GetUser(context.Background(), "00u1")
	if e := oktaErr(t, err); e.ErrorCode != "E0000011" || e.ErrorSummary != "Invalid Token Provided" {
		t.Errorf("wrong token: %+v", e)
	}
}

func TestSeedingMethods(t *testing.T) {
	s := standin.New(standin.Config{Token: "t"})
	if _, err := s.CreateUser(map[string]any{"email": "x@example.com"}, true); err == nil {
		t.Error("CreateUser without login succeeded")
	}
	u, err := s.CreateUser(map[string]any{"login": "ada@example.com", "firstName": "Ada", "lastName": "L"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(map[string]any{"login": "ADA@example.com"}, true); err == nil {
		t.Error("duplicate login accepted")
	}
	app := s.AddApp("salesforce", "Salesforce.com")
	auID, err := s.Assign(app.ID, u.ID)
	if err != nil || auID[:3] != "0ua" {
		t.Fatalf("Assign = %q, %v", auID, err)
	}
	if err := s.UpdateProfile(u.ID, map[string]any{"title": "Countess"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Unassign(app.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Unassign(app.ID, u.ID); err == nil {
		t.Error("second Unassign succeeded")
	}
	evs := s.Events()
	add := evs[len(evs)-3]
	targets := add["target"].([]any)
	if add["eventType"] != "application.user_membership.add" || len(targets) != 3 {
		t.Fatalf("add event: %v", add)
	}
	for i, want := range []struct{ typ, id, alt string }{
		{"AppUser", auID, "ada@example.com"}, {"AppInstance", app.ID, "Salesforce.com"}, {"User", u.ID, "ada@example.com"},
	} {
		tg := targets[i].(map[string]any)
		if tg["type"] != want.typ || tg["id"] != want.id || tg["alternateId"] != want.alt {
			t.Errorf("target %d = %v, want %v", i, tg, want)
		}
	}
	if evs[len(evs)-1]["eventType"] != "application.user_membership.remove" || add["version"] != "0" {
		t.Errorf("events end with %v", evs[len(evs)-1]["eventType"])
	}
}
