package servicenow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/mappers"
	"github.com/ilm-dev/ilm/profile"
)

func TestStockMapper(t *testing.T) {
	m, err := mappers.Stock("servicenow-outgoing")
	require.NoError(t, err)
	p := profile.Fields{
		profile.Username: "grace.hopper@example.com", profile.Email: "grace.hopper@example.com",
		profile.GivenName: "Grace", profile.Surname: "Hopper", profile.Title: "Account Executive",
		profile.Department: "Sales", profile.EmployeeID: "1007", profile.MobilePhone: "+1 415 555 0107",
		profile.WorkPhone: "+1 415 555 0100", profile.City: "San Francisco", profile.State: "California",
		profile.ZipCode: "94105", profile.StreetAddress: "100 Market Street", profile.CostCenter: "Field Sales West",
		profile.ManagerEmailAddress: "ada.lovelace@example.com", profile.ManagerName: "Ada Lovelace",
		profile.DisplayName: "Grace Hopper",
	}
	src := map[string]any{}
	for k, v := range p {
		src[k] = v
	}
	got, err := m.MapFields(src, mappers.Options{})
	require.NoError(t, err)
	assert.Equal(t, profile.Fields{
		"user_name": "grace.hopper@example.com", "email": "grace.hopper@example.com",
		"first_name": "Grace", "last_name": "Hopper", "title": "Account Executive", "department": "Sales",
		"employee_number": "1007", "mobile_phone": "+1 415 555 0107", "phone": "+1 415 555 0100",
		"city": "San Francisco", "state": "California", "zip": "94105", "street": "100 Market Street",
		"cost_center": "Field Sales West", "manager": "Ada Lovelace",
	}, got)

	// Without a username the email is the user_name; without an email the mapping fails.
	delete(src, profile.Username)
	got, err = m.MapFields(src, mappers.Options{})
	require.NoError(t, err)
	assert.Equal(t, "grace.hopper@example.com", got["user_name"])
	delete(src, profile.Email)
	_, err = m.MapFields(src, mappers.Options{})
	assert.ErrorContains(t, err, `mapper "servicenow-outgoing", field "email": required value is empty`)
}
