// Package profile holds the user profile ILM keeps for every person: the stock and custom
// fields keyed by field key, and the lifecycle fields the engine maintains.
package profile

import (
	"strings"
	"unicode"
)

// Stock field keys, as in XSOAR's User Profile: the display name lower-cased with
// non-alphanumerics removed ("Employee ID" -> "employeeid").
const (
	City                = "city"
	CostCenter          = "costcenter"
	CostCenterCode      = "costcentercode"
	CountryName         = "countryname"
	Department          = "department"
	DisplayName         = "displayname"
	Email               = "email"
	EmployeeID          = "employeeid"
	EmployeeType        = "employeetype"
	EmploymentStatus    = "employmentstatus"
	GivenName           = "givenname"
	HireDate            = "hiredate"
	JobCode             = "jobcode"
	JobFamily           = "jobfamily"
	JobFunction         = "jobfunction"
	LastDayOfWork       = "lastdayofwork"
	Surname             = "surname"
	Leadership          = "leadership"
	Location            = "location"
	LocationRegion      = "locationregion"
	ManagerEmailAddress = "manageremailaddress"
	ManagerName         = "managername"
	MobilePhone         = "mobilephone"
	PersonalEmail       = "personalemail"
	PrehireFlag         = "prehireflag"
	RehiredEmployee     = "rehiredemployee"
	State               = "state"
	StreetAddress       = "streetaddress"
	TerminationDate     = "terminationdate"
	TerminationTrigger  = "terminationtrigger"
	Title               = "title"
	Username            = "username"
	WorkPhone           = "workphone"
	ZipCode             = "zipcode"
)

// Lifecycle field keys. They are kept in typed fields of Profile, never in Fields; the keys
// name them in history rows, JSON output and changed_fields.
const (
	ADAccountStatusKey = "adaccountstatus"
	SourcePriorityKey  = "sourcepriority"
	SourceOfTruthKey   = "sourceoftruth"
	ConversionHireKey  = "conversionhire"
	ApplicationsKey    = "applications"
	AcquisitionHireKey = "acquisitionhire"
	OldUserDataKey     = "olduserdata"
	AccountNameKey     = "accountname"
)

// DateLayout is how every date field is held in a profile, whatever the source's format.
const DateLayout = "2006-01-02"

// Employment status values the lifecycle rules look at.
const (
	StatusActive         = "Active"
	StatusLeaveOfAbsence = "Leave of Absence"
	StatusTerminated     = "Terminated"
)

// DateFields are the stock fields holding dates (DateLayout).
var DateFields = []string{HireDate, TerminationDate, LastDayOfWork}

// NormalizeKey turns a display name or column-like name into a field key: lower-cased,
// with every character that is not a letter or a digit removed.
func NormalizeKey(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
