// Package row turns profiles into the column values both SQL backends store, and works out
// the rows a save writes, so that the backends agree on both.
package row

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/profile"
)

// ProfileColumns are the columns of the profiles table, in the order of Profile.Args;
// updated_at comes last and is the backend's to encode.
const ProfileColumns = "employee_id, email, fields, ad_status, source_priority, source_of_truth, " +
	"conversion_hire, acquisition_hire, applications, old_user_data, account_name, " + summaryOnlyColumns + ", revision, updated_at"

// summaryOnlyColumns are the columns kept only for reading summaries without decoding fields:
// copies of three fields and the profile.Digest of all of them.
const summaryOnlyColumns = "display_name, employment_status, termination_trigger, fields_digest"

// SummaryColumns are the columns of a profile.Summary, in the order of Summary.Dest.
const SummaryColumns = "employee_id, email, ad_status, source_priority, conversion_hire, " + summaryOnlyColumns

// ErrNoEmployeeID is returned when a profile to save has no employee id, its key.
var ErrNoEmployeeID = errors.New("profile has no " + profile.EmployeeID)

// Profile is a profile as stored: the keys as columns (email lower-cased), the lifecycle
// fields as columns, the maps and lists as JSON text, and the rest of its summary.
type Profile struct {
	EmployeeID      string
	Email           string
	Fields          string
	ADStatus        string
	SourcePriority  int
	SourceOfTruth   string
	ConversionHire  bool
	AcquisitionHire bool
	Applications    string
	OldUserData     string
	AccountName     string
	Summary         Summary
	Revision        int64
	UpdatedAt       time.Time
}

// Summary holds the summary-only columns of a profile.
type Summary struct {
	DisplayName        string
	EmploymentStatus   string
	TerminationTrigger string
	// FieldsDigest is a profile.Digest; NULL (nil) in rows written before it was kept.
	FieldsDigest []byte
}

// args returns the summary-only column values in SummaryColumns order.
func (s *Summary) args() []any {
	return []any{s.DisplayName, s.EmploymentStatus, s.TerminationTrigger, s.FieldsDigest}
}

// dest returns scan destinations in SummaryColumns order.
func (s *Summary) dest() []any {
	return []any{&s.DisplayName, &s.EmploymentStatus, &s.TerminationTrigger, &s.FieldsDigest}
}

// ScanSummary scans a row of SummaryColumns.
func ScanSummary(scan func(dest ...any) error) (profile.Summary, error) {
	var p profile.Summary
	var ad string
	var r Summary
	if err := scan(append([]any{&p.EmployeeID, &p.Email, &ad, &p.SourcePriority, &p.ConversionHire}, r.dest()...)...); err != nil {
		return profile.Summary{}, err
	}
	p.ADStatus = profile.ADStatus(ad)
	p.DisplayName, p.EmploymentStatus, p.TerminationTrigger = r.DisplayName, r.EmploymentStatus, r.TerminationTrigger
	// A row without a digest gets the zero digest, which no field set has: its person's
	// fields count as changed, and detection compares them whole.
	copy(p.Digest[:], r.FieldsDigest)
	if len(r.FieldsDigest) != len(p.Digest) {
		p.Digest = profile.Digest{}
	}
	return p, nil
}

// Encode returns the row of p. Nil maps and lists stay null, so that they round-trip as
// they were given.
func Encode(p profile.Profile) (Profile, error) {
	id := p.EmployeeID()
	if id == "" {
		return Profile{}, ErrNoEmployeeID
	}
	sum := p.Summary()
	r := Profile{
		EmployeeID:      id,
		Email:           p.Email(),
		ADStatus:        string(p.ADStatus),
		SourcePriority:  p.SourcePriority,
		SourceOfTruth:   p.SourceOfTruth,
		ConversionHire:  p.ConversionHire,
		AcquisitionHire: p.AcquisitionHire,
		AccountName:     p.AccountName,
		Summary: Summary{
			DisplayName:        sum.DisplayName,
			EmploymentStatus:   sum.EmploymentStatus,
			TerminationTrigger: sum.TerminationTrigger,
			FieldsDigest:       sum.Digest[:],
		},
		Revision:  p.Revision,
		UpdatedAt: Time(p.UpdatedAt),
	}
	var err error
	if r.Fields, err = marshal(p.Fields); err != nil {
		return Profile{}, fmt.Errorf("profile %s: fields: %w", id, err)
	}
	if r.Applications, err = marshal(p.Applications); err != nil {
		return Profile{}, fmt.Errorf("profile %s: applications: %w", id, err)
	}
	if r.OldUserData, err = marshal(p.OldUserData); err != nil {
		return Profile{}, fmt.Errorf("profile %s: old user data: %w", id, err)
	}
	return r, nil
}

// Args returns the column values in ProfileColumns order, without updated_at.
func (r *Profile) Args() []any {
	return append(append([]any{r.EmployeeID, r.Email, r.Fields, r.ADStatus, r.SourcePriority, r.SourceOfTruth,
		r.ConversionHire, r.AcquisitionHire, r.Applications, r.OldUserData, r.AccountName}, r.Summary.args()...), r.Revision)
}

// Dest returns scan destinations in ProfileColumns order, then updatedAt for the
// backend's encoding of updated_at.
func (r *Profile) Dest(updatedAt any) []any {
	dest := []any{&r.EmployeeID, &r.Email, &r.Fields, &r.ADStatus, &r.SourcePriority, &r.SourceOfTruth,
		&r.ConversionHire, &r.AcquisitionHire, &r.Applications, &r.OldUserData, &r.AccountName}
	return append(append(dest, r.Summary.dest()...), &r.Revision, updatedAt)
}

// Decode returns the profile the row holds.
func (r *Profile) Decode() (profile.Profile, error) {
	p := profile.Profile{
		ADStatus:        profile.ADStatus(r.ADStatus),
		SourcePriority:  r.SourcePriority,
		SourceOfTruth:   r.SourceOfTruth,
		ConversionHire:  r.ConversionHire,
		AcquisitionHire: r.AcquisitionHire,
		AccountName:     r.AccountName,
		UpdatedAt:       r.UpdatedAt.UTC(),
		Revision:        r.Revision,
	}
	if err := unmarshalFields(r.Fields, &p.Fields); err != nil {
		return profile.Profile{}, fmt.Errorf("profile %s: fields: %w", r.EmployeeID, err)
	}
	if err := json.Unmarshal([]byte(r.Applications), &p.Applications); err != nil {
		return profile.Profile{}, fmt.Errorf("profile %s: applications: %w", r.EmployeeID, err)
	}
	if err := unmarshalFields(r.OldUserData, &p.OldUserData); err != nil {
		return profile.Profile{}, fmt.Errorf("profile %s: old user data: %w", r.EmployeeID, err)
	}
	return p, nil
}

// Time returns t as stored: in UTC, to the microsecond.
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Now returns t as stored, or the current time when t is zero.
func Now(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return Time(t)
}

// unmarshalFields decodes the JSON of fields into a map sized up front for its keys, whose
// number the count of `":` is at least: growing the map key by key would cost a tenth of
// the time of reading a 36-field profile. null decodes as nil, {} as an empty map.
func unmarshalFields(s string, f *profile.Fields) error {
	*f = make(profile.Fields, strings.Count(s, `":`))
	return json.Unmarshal([]byte(s), f)
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
