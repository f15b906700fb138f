package workflows

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEmployeeIDOf(t *testing.T) {
	for id, want := range map[string]string{"person/1001": "1001", "poll-workday": "", "app/e-1": "", "person/": "", "": ""} {
		got, ok := EmployeeIDOf(id)
		assert.Equal(t, want, got, id)
		assert.Equal(t, want != "", ok, id)
	}
}
