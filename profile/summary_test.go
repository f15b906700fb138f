package profile

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Equal digests are Diff(...) == nil: detection skips unchanged rows on the digest.
func TestDigestAgreesWithDiff(t *testing.T) {
	sets := []Fields{
		nil,
		{},
		{"a": ""},
		{"a": " "},
		{"a": "x"},
		{"a": " x "},
		{"a": "x", "b": ""},
		{"b": "y"},
		{"a": "x", "b": "y"},
		{"a": "X"},
		{"ab": "c"},
		{"a": "bc"},
		{"a": "y", "b": "x"},
		{"a": "x\x00b"},
	}
	for _, old := range sets {
		for _, new := range sets {
			assert.Equal(t, Diff(old, new) == nil, DigestOf(old) == DigestOf(new), "%q vs %q", old, new)
		}
	}
}

// The digest is stored: its encoding must never change without a migration.
func TestDigestIsStable(t *testing.T) {
	d := DigestOf(Fields{EmployeeID: "1001", Email: " ann@example.com ", Department: "", DisplayName: "Ann Lee"})
	// sha256 of "\x0bdisplayname\x07Ann Lee\x05email\x0fann@example.com\x0aemployeeid\x041001"
	assert.Equal(t, "d6f210bc61b5a291d82b9fa1ebe0fe98764459f60d736ee3f015240a36b2b3f9", hex.EncodeToString(d[:]))
}

// A Digester gives DigestOf of every set, in any order, whether the set brings new keys,
// lacks some it has seen, or has them blank.
func TestDigesterAgreesWithDigestOf(t *testing.T) {
	sets := []Fields{
		{"b": "y", "a": "x"},
		{"a": "x", "b": "y"},
		{"a": "x"},
		{"c": "z", "a": " x "},
		nil,
		{"a": "", "b": " ", "c": "z"},
		{"0": "first", "a": "x", "b": "y", "c": "z"},
		{"a": "x", "b": "y"},
		{"ab": "c"},
		{"a": "bc"},
	}
	for _, first := range []int{0, 4, 6} { // start with sets of several shapes
		var g Digester
		for i := range sets {
			f := sets[(first+i)%len(sets)]
			assert.Equal(t, DigestOf(f), g.Of(f), "%q", f)
			assert.Equal(t, DigestOf(f), g.Of(f), "%q again", f)
		}
	}
}

func TestDigestOfManyFields(t *testing.T) {
	many, more := Fields{}, Fields{}
	for i := range 2 * digestKeysOnStack {
		k := string(rune('a'+i%26)) + string(rune('a'+i/26))
		many[k], more[k] = "v", "v"
	}
	assert.Equal(t, DigestOf(many), DigestOf(more))
	more["zz"] = "w"
	assert.NotEqual(t, DigestOf(many), DigestOf(more))
}

func TestSummary(t *testing.T) {
	p := Profile{
		Fields: Fields{
			EmployeeID: " 1001 ", Email: "Ann.Lee@Example.com", DisplayName: "Ann Lee",
			EmploymentStatus: "Terminated", TerminationTrigger: "TUFE", Department: "Sales",
		},
		ADStatus: ADEnabled, SourcePriority: 2, ConversionHire: true, SourceOfTruth: "Workday",
	}
	assert.Equal(t, Summary{
		EmployeeID: "1001", Email: "ann.lee@example.com", DisplayName: "Ann Lee",
		EmploymentStatus: "Terminated", TerminationTrigger: "TUFE",
		ADStatus: ADEnabled, SourcePriority: 2, ConversionHire: true,
		Digest: DigestOf(p.Fields),
	}, p.Summary())

	for _, tc := range []struct {
		status string
		ad     ADStatus
	}{{"Active", ADEnabled}, {"Terminated", ADEnabled}, {"Active", ADDisabled}, {"", ADPending}, {"terminated", ""}} {
		p := Profile{Fields: Fields{EmploymentStatus: tc.status}, ADStatus: tc.ad}
		assert.Equal(t, p.IsActive(), p.Summary().IsActive(), "%q %q", tc.status, tc.ad)
	}
}
