package scim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// What counts as declared: only what the app positively lacks is left out.
func TestDeclared(t *testing.T) {
	core := map[string]map[string]bool{
		"username": {}, "name": {"givenname": true, "familyname": true}, "emails": {"value": true, "primary": true},
		"active": {}, "title": {},
	}
	full := &capabilities{core: "urn:ietf:params:scim:schemas:core:2.0:user",
		extensions: map[string]bool{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": true},
		schemas: map[string]map[string]map[string]bool{
			"urn:ietf:params:scim:schemas:core:2.0:user": core,
		}}
	noTypes := &capabilities{core: full.core, schemas: full.schemas}
	noSchemas := &capabilities{core: full.core, extensions: map[string]bool{}}
	nothing := &capabilities{core: full.core}
	for _, tc := range []struct {
		caps *capabilities
		key  string
		ok   bool
		why  string
	}{
		{full, "userName", true, ""},
		{full, "USERNAME", true, ""},
		{full, "name.givenName", true, ""},
		{full, "email", true, ""},
		{full, "externalId", true, "a common attribute, in no schema"},
		{full, "displayName", false, "its User schema declares no attribute displayname"},
		{full, "name.nickname", false, "attribute name of its User schema has no sub-attribute nickname"},
		{full, "urn:ietf:params:scim:schemas:core:2.0:User:title", true, ""},
		// Declared by the resource type but not described by /Schemas: taken as it comes.
		{full, enterpriseURN + ":department", true, ""},
		{full, "urn:example:params:scim:schemas:extension:acme:2.0:User:costCenter", false,
			"its User resource type declares no schema extension urn:example:params:scim:schemas:extension:acme:2.0:User"},
		{noTypes, enterpriseURN + ":department", false, "its /Schemas has no schema " + enterpriseURN},
		{noTypes, "title", true, ""},
		{noSchemas, enterpriseURN + ":department", false, "its User resource type declares no schema extension " + enterpriseURN},
		{noSchemas, "displayName", true, ""},
		{nothing, enterpriseURN + ":department", true, ""},
		{nothing, "anything.at.all", true, ""},
	} {
		ok, why := tc.caps.declared(tc.key)
		assert.Equal(t, tc.ok, ok, tc.key)
		if !tc.ok {
			assert.Equal(t, tc.why, why, tc.key)
		}
	}
}

// userName is sent even when the app's schemas leave it out: without it there is no user.
func TestSendableKeepsUserName(t *testing.T) {
	caps := &capabilities{core: "urn:ietf:params:scim:schemas:core:2.0:user", unchecked: []string{"app has no /ResourceTypes (it answers 404): schema extensions are sent unchecked"},
		schemas: map[string]map[string]map[string]bool{"urn:ietf:params:scim:schemas:core:2.0:user": {"emails": {}}}}
	out, warnings := caps.sendable("app", desired{keyUser: "ada", keyEmail: "ada@example.com", "title": "Countess"})
	assert.Equal(t, desired{keyUser: "ada", keyEmail: "ada@example.com"}, out)
	assert.Equal(t, []string{"app has no /ResourceTypes (it answers 404): schema extensions are sent unchecked",
		"title is not sent to app: its User schema declares no attribute title"}, warnings)
}
