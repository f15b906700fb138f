package okta_test

import (
	"net/http/httptest"
	"testing"

	standin "github.com/ilm-dev/ilm/internal/standin/okta"
)

// serve starts the stand-in for one test.
func serve(t *testing.T, s *standin.Server) *httptest.Server {
	return standin.Start(t, s)
}

func eventTypeOf(e standin.LogEvent) string {
	s, _ := e["eventType"].(string)
	return s
}
