package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUserProfile(t *testing.T) {
	p, err := ParseUserProfile([]byte(`{
		"email": "ann.lee@example.com", "Display Name": "Ann Lee", "employeeid": 1001,
		"manager": null, "leadership": true,
		"olduserdata": {"email": "ann.chen@example.com", "Display Name": "Ann Chen", "x": null},
		"applications": ["okta", "github"], "adaccountstatus": "Enabled", "sourcepriority": "2",
		"conversionhire": "true", "Account Name": "ann.lee"
	}`))
	require.NoError(t, err)
	assert.Equal(t, Profile{
		Fields:         Fields{Email: "ann.lee@example.com", DisplayName: "Ann Lee", EmployeeID: "1001", Leadership: "true"},
		OldUserData:    Fields{Email: "ann.chen@example.com", DisplayName: "Ann Chen"},
		Applications:   []string{"okta", "github"},
		ADStatus:       ADEnabled,
		SourcePriority: 2,
		ConversionHire: true,
		AccountName:    "ann.lee",
	}, p)
}

func TestParseUserProfileErrorsNameTheKey(t *testing.T) {
	for input, want := range map[string]string{
		`[1, 2]`:                            "not a JSON object",
		`null`:                              "not a JSON object",
		`{"email": "a@b.c",`:                "not a JSON object",
		`{"department": {"name": "Sales"}}`: `"department": want a string, number or boolean, not {`,
		`{"email": ["a@b.c"]}`:              `"email": want a string, number or boolean, not [`,
		`{"olduserdata": "ann"}`:            `"olduserdata": want an object of field values`,
		`{"olduserdata": {"cn": [1]}}`:      `"olduserdata": "cn": want a string`,
		`{"sourcepriority": "high"}`:        `"sourcepriority"`,
		`{"applications": "okta"}`:          `"applications"`,
		`{"email": "a@b.c"} {"email": "x"}`: "text after the JSON object",
		`{"email": "a@b.c"} trailing`:       "text after the JSON object",
	} {
		_, err := ParseUserProfile([]byte(input))
		require.Error(t, err, input)
		assert.Contains(t, err.Error(), want, input)
	}
}
