package okta_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/internal/testing/standin/okta/oktaspec"
)

// org is a stand-in, checked against the spec when the spec is at hand, and an SDK
// client for it.
type org struct {
	s   *standin.Server
	srv *httptest.Server
	c   *okta.Client
}

func newOrg(t *testing.T) *org {
	t.Helper()
	s := standin.New(standin.Config{Token: "test-token"})
	srv := httptest.NewTLSServer(oktaspec.Checked(t, s))
	t.Cleanup(srv.Close)
	return &org{s: s, srv: srv, c: client(t, srv, "test-token")}
}

func client(t *testing.T, srv *httptest.Server, token string) *okta.Client {
	t.Helper()
	_, c, err := okta.NewClient(context.Background(),
		okta.WithOrgUrl(srv.URL), okta.WithToken(token),
		okta.WithHttpClientPtr(srv.Client()), okta.WithCache(false),
		okta.WithRateLimitMaxRetries(2), okta.WithRateLimitMaxBackOff(2), okta.WithRequestTimeout(10))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (o *org) createUser(t *testing.T, login string, activate bool) *okta.User {
	t.Helper()
	p := okta.UserProfile{"login": login, "email": login, "firstName": "Ada", "lastName": "Lovelace"}
	qp := query.NewQueryParams(query.WithActivate(activate))
	u, _, err := o.c.User.CreateUser(context.Background(), okta.CreateUserRequest{Profile: &p}, qp)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", login, err)
	}
	return u
}

// oktaErr is the Okta error inside err, or fails the test.
func oktaErr(t *testing.T, err error) *okta.Error {
	t.Helper()
	e, ok := err.(*okta.Error)
	if !ok {
		t.Fatalf("want an *okta.Error, got %T %v", err, err)
	}
	return e
}
