package okta_test

import (
	"net/http/httptest"
	"testing"

	standin "github.com/ilm-dev/ilm/internal/testing/standin/okta"
	"github.com/ilm-dev/ilm/internal/testing/standin/okta/oktaspec"
)

// serve starts the stand-in for one test. When Okta's spec is at hand (../shared or
// $ILM_SHARED), every request the connector sends and every answer the stand-in gives is
// checked against it, and a mismatch fails the test.
func serve(t *testing.T, s *standin.Server) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(oktaspec.Checked(t, s))
	t.Cleanup(srv.Close)
	return srv
}

func eventTypeOf(e standin.LogEvent) string {
	s, _ := e["eventType"].(string)
	return s
}
